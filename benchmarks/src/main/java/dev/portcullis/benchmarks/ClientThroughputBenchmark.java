package dev.portcullis.benchmarks;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.watch.SnapshotFile;
import dev.portcullis.servers.Folders;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.Ports;
import dev.portcullis.servers.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code AclClient.check} through the public API, as a service builds the client: lists from a
 * snapshot file, Kafka either up (an in-JVM broker) or absent (a bootstrap address where nothing
 * listens, from the start), every call recorded for the emitter. Run with {@code -t 1} and {@code -t 2}:
 * with Kafka absent two request threads should do close to twice what one does (the emitter counts
 * whole slices as dropped instead of waiting on the producer, and the ring's indices and drop counters
 * sit on cache lines of their own).
 *
 * <p>Run: {@code java -cp "$CP" org.openjdk.jmh.Main ClientThroughputBenchmark -t 1} (then {@code -t 2})
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class ClientThroughputBenchmark {

  @Param({"100000"})
  int entries;

  @Param({"zipf", "uniform"})
  String distribution;

  @Param({"absent", "up"})
  String kafka;

  String[] requests;
  private AclClient client;
  private KRaftBroker broker;
  private Path dir;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Workload w = new Workload(entries, distribution.equals("zipf"), 42);
    requests = w.requests;
    dir = Files.createTempDirectory("portcullis-client-bench-");
    Path snapshot = dir.resolve("rules.snapshot");
    // a snapshot file holds each block once (the generator may draw a /24 twice)
    ConfigSnapshot generated = w.snapshot();
    Map<Cidr, ListEntry> distinct = new LinkedHashMap<>();
    generated.globalDeny().forEach(e -> distinct.putIfAbsent(e.cidr(), e));
    new SnapshotFile(snapshot, new ConfigTreeCodec(new ConfigCodec())).write(new ConfigSnapshot(generated.global(),
        List.of(), List.copyOf(distinct.values()), Map.of(), 1));
    String bootstrap;
    if (kafka.equals("up")) {
      broker = KRaftBroker.start();
      Topics.create(broker.bootstrapServers(), "acl.access", 3, false);
      Topics.create(broker.bootstrapServers(), "acl.notices", 1, true);
      bootstrap = broker.bootstrapServers();
    } else {
      bootstrap = "127.0.0.1:" + Ports.freeLoopbackPort();
    }
    client = AclClient.builder("shop").node("bench:1").kafka(bootstrap).snapshotFile(snapshot).build();
    client.start();
    if (!client.awaitRules(Duration.ofMinutes(2))) {
      throw new IllegalStateException("the snapshot's rules were not in force after 2 minutes");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    AclClient.Status s = client.status();
    System.out.println("\nsent " + s.sentRequests() + ", dropped " + s.droppedAccesses() + " accesses");
    client.close();
    if (broker != null) {
      broker.close();
    }
    Folders.deleteRecursively(dir);
  }

  @Benchmark
  public Decision check(ThreadCursor c) {
    return client.check(requests[c.i++ & (Workload.KEYS - 1)], "GET /items");
  }
}
