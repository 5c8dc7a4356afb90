package dev.portcullis.benchmarks;

import com.google.common.util.concurrent.RateLimiter;
import dev.portcullis.client.decide.Decision;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
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
 * The request path: {@code check} on a textual address (parse + allow + deny + intercepts + mode),
 * with and without recording the access, against 0 / 100k / 1M deny entries, with uniform and
 * Zipf-skewed addresses. Baselines in the same run: a {@code ConcurrentHashMap} lookup of the
 * address string, per-IP Guava {@code RateLimiter} and Bucket4j buckets, and Sentinel's hot-parameter
 * flow control with the address as the parameter (entry + exit, a rule no address reaches).
 *
 * <p>Run: {@code java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * org.openjdk.jmh.Main CheckBenchmark -prof gc}; for the median of single calls,
 * {@code org.openjdk.jmh.Main 'CheckBenchmark.(check|timerFloor)$' -bm sample}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dcsp.sentinel.log.dir=target/sentinel-logs"})
public class CheckBenchmark {

  @Param({"0", "100000", "1000000"})
  int entries;

  @Param({"zipf", "uniform"})
  String distribution;

  private String[] requests;
  private Engines engines;
  private final ConcurrentHashMap<String, Boolean> map = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, RateLimiter> guava = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Bucket> bucket4j = new ConcurrentHashMap<>();
  private int i;

  @Setup(Level.Trial)
  public void setUp() {
    Workload w = new Workload(entries, distribution.equals("zipf"), 42);
    requests = w.requests;
    engines = new Engines(w);
    for (var c : w.blocks) {
      if (c.isSingleAddress()) {
        map.put(c.network().toString(), Boolean.TRUE);
      }
    }
    for (String r : requests) {
      guava.computeIfAbsent(r, k -> RateLimiter.create(1e9));
      bucket4j.computeIfAbsent(r, k -> Bucket.builder()
          .addLimit(Bandwidth.builder().capacity(1_000_000_000L).refillGreedy(1_000_000_000L, Duration.ofSeconds(1)).build())
          .build());
    }
  }

  @Setup(Level.Trial)
  public void setUpSentinel() {
    SentinelPeer.load();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    engines.close();
  }

  private String next() {
    return requests[i++ & (Workload.KEYS - 1)];
  }

  @Benchmark
  public Decision check() {
    return engines.deciding.check(next(), "GET /items", null);
  }

  @Benchmark
  public Decision checkAndRecord() {
    return engines.recording.check(next(), "GET /items", null);
  }

  /**
   * Nothing but the request string: in sample mode ({@code -bm sample}, one timed call at a time) its
   * percentiles are the timer's own cost, to subtract from {@code check}'s.
   */
  @Benchmark
  public String timerFloor() {
    return next();
  }

  @Benchmark
  public Boolean baselineConcurrentHashMapGet() {
    return map.get(next());
  }

  @Benchmark
  public boolean baselineGuavaRateLimiterPerIp() {
    return guava.get(next()).tryAcquire();
  }

  @Benchmark
  public boolean baselineBucket4jPerIp() {
    return bucket4j.get(next()).tryConsume(1);
  }

  @Benchmark
  public boolean baselineSentinelParamFlowPerIp() {
    return SentinelPeer.pass(next());
  }

}
