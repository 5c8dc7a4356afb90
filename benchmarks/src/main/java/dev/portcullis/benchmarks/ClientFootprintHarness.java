package dev.portcullis.benchmarks;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.watch.SnapshotFile;
import dev.portcullis.servers.Folders;
import dev.portcullis.servers.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a service pays for the client's lists, measured through the public API as a service builds
 * it: {@code entries} deny entries (half exact IPv4, a quarter IPv4 /24, a quarter IPv6 /64), each
 * with a note, an author and a creation time (a tenth with an expiry), in a snapshot file; Kafka
 * absent (a loopback port where nothing listens), no ZooKeeper. Prints how long {@code start()} kept
 * the caller, when the rules were in force, and the heap retained once they are (used heap after
 * full GCs, minus the same before the client was built).
 *
 * <p>Run: {@code java -Xmx2g -cp "$CP" dev.portcullis.benchmarks.ClientFootprintHarness 1000000 3 [zk]}
 * (entries, rounds: each round a new client on the same file; {@code zk}: ZooKeeper configured but
 * unreachable; {@code -Dthreads}: each thread's CPU time; {@code -Dhisto}: pause for a heap histogram).
 */
public final class ClientFootprintHarness {

  private ClientFootprintHarness() {}

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("portcullis-footprint-");
    try {
      Path file = dir.resolve("rules.snapshot");
      writeSnapshot(file, entries);
      String bootstrap = "127.0.0.1:" + Ports.freeLoopbackPort();
      // "zk": ZooKeeper configured at a loopback port where nothing listens (the config watcher's path)
      String zooKeeper = args.length > 2 && args[2].equals("zk") ? "127.0.0.1:" + Ports.freeLoopbackPort() : null;
      for (int round = 1; round <= rounds; round++) {
        long base = MemoryFootprint.used();
        long b0 = System.nanoTime();
        var builder = AclClient.builder("shop").node("bench:1").kafka(bootstrap).snapshotFile(file);
        AclClient client = (zooKeeper == null ? builder : builder.zooKeeper(zooKeeper)).build();
        long builtNanos = System.nanoTime() - b0;
        long t0 = System.nanoTime();
        client.start();
        long startedNanos = System.nanoTime() - t0;
        if (!client.awaitRules(Duration.ofMinutes(2))) {
          throw new IllegalStateException("the snapshot's rules were not in force after 2 minutes");
        }
        long inForceNanos = System.nanoTime() - t0;
        if (System.getProperty("threads") != null) {
          var mx = java.lang.management.ManagementFactory.getThreadMXBean();
          for (long id : mx.getAllThreadIds()) {
            var info = mx.getThreadInfo(id);
            long cpu = mx.getThreadCpuTime(id);
            if (info != null && cpu > 50_000_000L) {
              System.out.printf("  thread %s: %d ms CPU%n", info.getThreadName(), cpu / 1_000_000);
            }
          }
        }
        long retained = MemoryFootprint.used() - base;
        System.out.printf("round %d: %d entries: build() took %.1f ms, start() returned in %.1f ms, rules in force "
                + "%d ms after start(), heap retained %.1f MB%n", round, entries, builtNanos / 1e6, startedNanos / 1e6,
            inForceNanos / 1_000_000, retained / 1e6);
        if (System.getProperty("histo") != null && round == rounds) {
          System.out.println("pid " + ProcessHandle.current().pid() + ": take a histogram now (jmap -histo:live); 60 s");
          Thread.sleep(60_000);
        }
        client.close();
      }
    } finally {
      Folders.deleteRecursively(dir);
    }
  }

  /** The workload's blocks, each once, with a note, an author and a creation time; one in ten expires in a day. */
  static void writeSnapshot(Path file, int entries) throws Exception {
    Workload w = new Workload(entries, false, 42);
    Set<Cidr> distinct = new LinkedHashSet<>(w.blocks);
    List<ListEntry> deny = new ArrayList<>(distinct.size());
    long created = System.currentTimeMillis() - 3_600_000L;
    int i = 0;
    for (Cidr c : distinct) {
      Long expires = i % 10 == 0 ? created + 86_400_000L + i : null;
      deny.add(new ListEntry(c, expires, "abuse report #" + (100_000 + i) + ": credential stuffing", "ops@example.com",
          created + i));
      i++;
    }
    new SnapshotFile(file, new ConfigTreeCodec(new ConfigCodec()))
        .write(new ConfigSnapshot(ConfigSnapshot.EMPTY.global(), List.of(), deny, Map.of(), 1));
  }
}
