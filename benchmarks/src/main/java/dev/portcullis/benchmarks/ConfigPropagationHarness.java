package dev.portcullis.benchmarks;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.client.decide.CompiledRules;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.ListKind;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.config.watch.ConfigWatcher;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.testkit.Servers;
import dev.portcullis.servers.ZooKeeper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/**
 * Config propagation on a real (in-JVM) ZooKeeper: 10 watchers, each with its own session; 200
 * list changes written one at a time; latency from the write's return to each watcher's listener.
 * Then 100,000 list entries: time for a new watcher to load them into a snapshot, and for a client
 * to compile them into its lookup tables.
 *
 * <p>Run: {@code java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * dev.portcullis.benchmarks.ConfigPropagationHarness}
 */
public final class ConfigPropagationHarness {

  private ConfigPropagationHarness() {}

  public static void main(String[] args) throws Exception {
    boolean bulkOnly = args.length > 0 && args[0].equals("--bulk-only");
    try (ZooKeeper zk = new Servers(Servers.Backend.LOCAL).zooKeeper()) {
      ZkPaths paths = new ZkPaths("/bench");
      ConfigCodec codec = new ConfigCodec();
      List<AutoCloseable> owned = new ArrayList<>();
      CuratorFramework writerClient = client(zk, owned);
      ConfigStore store = new ConfigStore(writerClient, paths, codec, ZkAccess.open(zk.connectString()));
      Map<Integer, Long> written = new ConcurrentHashMap<>();
      List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
      int changes = bulkOnly ? 0 : 200;
      int watchers = 10;
      CountDownLatch all = new CountDownLatch(changes * watchers);
      for (int w = 0; w < watchers; w++) {
        ConfigWatcher watcher = new ConfigWatcher(client(zk, owned), paths, codec, null, Clock.systemUTC());
        java.util.Set<Integer> seen = ConcurrentHashMap.newKeySet();
        watcher.addListener(s -> {
          long now = System.nanoTime();
          for (ListEntry e : s.globalDeny()) {
            int k = (int) (e.cidr().network().low() & 0xFFFF);
            Long t = written.get(k);
            if (t != null && seen.add(k)) {
              latencies.add((now - t) / 1000);
              all.countDown();
            }
          }
        });
        watcher.start();
        owned.add(watcher);
      }
      Thread.sleep(1000);
      for (int i = 0; i < changes; i++) {
        ListEntry e = new ListEntry(Cidr.of(IpAddress.ofV4(0x0A000000 | i)), null, "", "bench", 1);
        store.addEntry(null, ListKind.DENY, e, false);
        written.put(i, System.nanoTime());
        Thread.sleep(20);
      }
      all.await(60, TimeUnit.SECONDS);
      if (!bulkOnly) System.out.println("propagation write -> listener, " + watchers + " watchers, " + changes + " changes: "
          + Stats.summary(latencies.stream().map(us -> us / 1000).toList(), " ms")
          + " (micros p99 " + Stats.pct(Stats.sorted(latencies), 99) + ")");

      for (int i = owned.size() - 1; i >= 1; i--) { // keep only the writer's client for the bulk load
        owned.remove(i).close();
      }

      // 100k entries
      int bulk = 100_000;
      long t0 = System.nanoTime();
      CountDownLatch created = new CountDownLatch(bulk);
      for (int i = 0; i < bulk; i++) {
        Cidr c = Cidr.of(IpAddress.ofV4(0x0B000000 | i));
        writerClient.create().creatingParentsIfNeeded().inBackground((cl, ev) -> created.countDown())
            .forPath(paths.listEntry(null, ListKind.DENY, c), codec.write(new ListEntry(c, null, "", "bench", 1)));
      }
      created.await(10, TimeUnit.MINUTES);
      System.out.printf("wrote %d entries in %d ms%n", bulk, (System.nanoTime() - t0) / 1_000_000);
      for (int round = 0; round < 5; round++) {
        CountDownLatch loaded = new CountDownLatch(1);
        long start = System.nanoTime();
        List<AutoCloseable> roundOwned = new ArrayList<>();
        ConfigWatcher fresh = new ConfigWatcher(client(zk, roundOwned), paths, codec, null, Clock.systemUTC());
        fresh.addListener(s -> {
          if (s.globalDeny().size() >= bulk) {
            loaded.countDown();
          }
        });
        fresh.start();
        loaded.await(5, TimeUnit.MINUTES);
        long loadMs = (System.nanoTime() - start) / 1_000_000;
        long q0 = System.nanoTime();
        IpAddress probe = IpAddress.ofV4(0x0B000000 | 77_777);
        boolean found = fresh.current().denyEntry("shop", probe, System.currentTimeMillis()) != null;
        long queryMs = (System.nanoTime() - q0) / 1_000_000;
        if (!found) {
          throw new IllegalStateException("the loaded snapshot does not deny " + probe);
        }
        long c0 = System.nanoTime();
        CompiledRules rules = CompiledRules.compile("shop", fresh.current());
        long compileMs = (System.nanoTime() - c0) / 1_000_000;
        System.out.printf("round %d: a new watcher loaded %d entries into a snapshot in %d ms; first query (builds its"
            + " index) %d ms; client compile %d ms%n", round + 1, rules.rules().deny().size(), loadMs, queryMs,
            compileMs);
        // the next round should not compete with this one's cache, whose reads are still queued in
        // ZooKeeper: close the watcher and its session (a real process has one watcher)
        fresh.close();
        roundOwned.get(0).close();
      }
      for (int i = owned.size() - 1; i >= 0; i--) {
        owned.get(i).close();
      }
    }
  }

  private static CuratorFramework client(ZooKeeper zk, List<AutoCloseable> owned) throws InterruptedException {
    CuratorFramework c = ZkAccess.open(zk.connectString()).newClient();
    c.start();
    c.blockUntilConnected(30, TimeUnit.SECONDS);
    owned.add(c);
    return c;
  }
}
