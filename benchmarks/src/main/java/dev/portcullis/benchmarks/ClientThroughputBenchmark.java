package dev.portcullis.benchmarks;

import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.servers.Folders;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.Ports;
import dev.portcullis.servers.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * listens, from the start), every call recorded for the emitter; and, as the peer that shows what
 * recording costs, the same client with no Kafka configured (nothing recorded). Run with {@code -t 1} and {@code -t 2}:
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

  /** absent: a bootstrap address where nothing listens; up: an in-JVM broker; none: no Kafka configured (the peer) */
  @Param({"absent", "up", "none"})
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
    SnapshotClients.write(snapshot, w.blocks);
    String bootstrap;
    if (kafka.equals("up")) {
      broker = KRaftBroker.start();
      Topics.create(broker.bootstrapServers(), "acl.access", 3, false);
      Topics.create(broker.bootstrapServers(), "acl.notices", 1, true);
      bootstrap = broker.bootstrapServers();
    } else if (kafka.equals("absent")) {
      bootstrap = "127.0.0.1:" + Ports.freeLoopbackPort();
    } else {
      bootstrap = null;
    }
    client = SnapshotClients.started(snapshot, bootstrap);
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
