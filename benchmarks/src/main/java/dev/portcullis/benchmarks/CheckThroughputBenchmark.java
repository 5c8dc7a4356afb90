package dev.portcullis.benchmarks;

import dev.portcullis.client.decide.Decision;
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
 * Throughput of {@code check} and {@code check}+record with one engine shared by every benchmark
 * thread, as request threads share the client. Run it with {@code -t 1} and {@code -t 2} and compare:
 * on 2 cores, two threads should come close to twice one thread, since nothing on the path is shared
 * and written except the access ring (whose single drainer also needs a core when recording).
 *
 * <p>Run: {@code java -cp "$CP" org.openjdk.jmh.Main CheckThroughputBenchmark -t 2}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class CheckThroughputBenchmark {

  @Param({"100000", "1000000"})
  int entries;

  @Param({"zipf", "uniform"})
  String distribution;

  String[] requests;
  private Engines engines;

  @Setup(Level.Trial)
  public void setUp() {
    Workload w = new Workload(entries, distribution.equals("zipf"), 42);
    requests = w.requests;
    engines = new Engines(w);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    engines.close();
  }

  @Benchmark
  public Decision check(ThreadCursor c) {
    return engines.deciding.check(requests[c.i++ & (Workload.KEYS - 1)], "GET /items", null);
  }

  @Benchmark
  public Decision checkAndRecord(ThreadCursor c) {
    return engines.recording.check(requests[c.i++ & (Workload.KEYS - 1)], "GET /items", null);
  }
}
