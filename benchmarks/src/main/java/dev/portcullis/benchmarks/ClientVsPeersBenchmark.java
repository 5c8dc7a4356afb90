package dev.portcullis.benchmarks;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.servers.Folders;
import dev.portcullis.servers.Ports;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4AddressTrie;
import inet.ipaddr.ipv6.IPv6AddressTrie;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
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
 * The whole client's {@code check} through its public API, as a service builds it (deny lists from a
 * snapshot file, Kafka absent from the start, every access recorded), against what people use instead,
 * on the same request addresses in the same run: the IPAddress library's tries holding the same blocks
 * (parsing the same text), Sentinel's hot-parameter flow control keyed by the address, and a Bucket4j
 * bucket per address in a {@code ConcurrentHashMap}. The peers have the addresses' text, as the client
 * does. The mixes are {@link RequestMix}'s.
 *
 * <p>Run: {@code java -cp "$CP" org.openjdk.jmh.Main ClientVsPeersBenchmark -t 1} (then {@code -t 2})
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Dcsp.sentinel.log.dir=target/sentinel-logs"})
public class ClientVsPeersBenchmark {


  @Param({"100000", "1000000"})
  int entries;

  @Param({"zipf1.0", "zipf1.2", "uniform", "attack", "ipv6"})
  String mix;

  String[] requests;
  private AclClient client;
  private Path dir;
  private IPv4AddressTrie trie4;
  private IPv6AddressTrie trie6;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Workload w = new Workload(entries, false, 42);
    requests = RequestMix.requests(w.blocks, mix, 43);
    dir = Files.createTempDirectory("portcullis-peers-bench-");
    Path snapshot = dir.resolve("rules.snapshot");
    SnapshotClients.write(snapshot, w.blocks);
    client = SnapshotClients.started(snapshot, "127.0.0.1:" + Ports.freeLoopbackPort());
    trie4 = new IPv4AddressTrie();
    trie6 = new IPv6AddressTrie();
    for (Cidr c : w.blocks) {
      IPAddress block = new IPAddressString(c.toString()).getAddress().toPrefixBlock();
      if (block.isIPv4()) {
        trie4.add(block.toIPv4());
      } else {
        trie6.add(block.toIPv6());
      }
    }
    for (String r : requests) {
      buckets.computeIfAbsent(r, k -> Bucket.builder()
          .addLimit(Bandwidth.builder().capacity(1_000_000_000L).refillGreedy(1_000_000_000L, Duration.ofSeconds(1)).build())
          .build());
    }
    SentinelPeer.load();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    AclClient.Status s = client.status();
    System.out.println("\nclient: " + s.denied() + " denied, " + s.allowed() + " allowed, " + s.droppedAccesses()
        + " accesses dropped (Kafka absent), " + s.sentRequests() + " sent");
    client.close();
    Folders.deleteRecursively(dir);
  }

  @Benchmark
  public Decision client(ThreadCursor c) {
    return client.check(requests[c.i++ & (Workload.KEYS - 1)], "GET /items");
  }

  @Benchmark
  public boolean peerIpAddressTrie(ThreadCursor c) {
    IPAddress a = new IPAddressString(requests[c.i++ & (Workload.KEYS - 1)]).getAddress();
    return a.isIPv4() ? trie4.elementContains(a.toIPv4()) : trie6.elementContains(a.toIPv6());
  }

  @Benchmark
  public boolean peerBucket4jPerIp(ThreadCursor c) {
    return buckets.get(requests[c.i++ & (Workload.KEYS - 1)]).tryConsume(1);
  }

  @Benchmark
  public boolean peerSentinelHotParameter(ThreadCursor c) {
    return SentinelPeer.pass(requests[c.i++ & (Workload.KEYS - 1)]);
  }

}
