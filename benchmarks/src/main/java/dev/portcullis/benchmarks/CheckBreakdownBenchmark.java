package dev.portcullis.benchmarks;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.decide.Addresses;
import dev.portcullis.client.decide.CompiledRules;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.client.decide.DecisionEngine;
import dev.portcullis.client.decide.RangeTable;
import dev.portcullis.client.decide.UnparseableAddressPolicy;
import dev.portcullis.client.time.CoarseClock;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where {@link CheckBenchmark#check}'s time goes, on the same workload: parsing the address alone
 * (all of the workload's addresses, and its IPv4 and IPv6 ones apart), then parsing and the
 * longest-prefix lookup (the label only). {@code check} minus {@code parseAndLookup} is what finding
 * the decision of the label and the rest of the engine cost. {@code checkHits} and {@code checkMisses}
 * are {@code check} on the workload's addresses that hit a deny entry and on those that do not, apart
 * (with 0 entries every address misses, so {@code checkHits} has nothing to run on and is skipped);
 * {@code checkHitsIpv4} and {@code checkHitsIpv6} split the hits by family.
 *
 * <p>Run: {@code java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * org.openjdk.jmh.Main CheckBreakdownBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class CheckBreakdownBenchmark {

  @Param({"0", "100000", "1000000"})
  int entries;

  @Param({"zipf", "uniform"})
  String distribution;

  private String[] requests;
  private final String[] v4Requests = new String[Workload.KEYS];
  private final String[] v6Requests = new String[Workload.KEYS];
  private final String[] hitRequests = new String[Workload.KEYS];
  private final String[] missRequests = new String[Workload.KEYS];
  private final String[] v4HitRequests = new String[Workload.KEYS];
  private final String[] v6HitRequests = new String[Workload.KEYS];
  private DecisionEngine engine;
  private RangeTable table;
  private final long[] v6 = new long[2];
  private int i;

  @Setup(Level.Trial)
  public void setUp() {
    Workload w = new Workload(entries, distribution.equals("zipf"), 42);
    requests = w.requests;
    List<RangeTable.Entry> blocks = new ArrayList<>(w.blocks.size());
    for (Cidr c : w.blocks) {
      blocks.add(new RangeTable.Entry(c, blocks.size()));
    }
    table = RangeTable.of(blocks);
    // the workload's own mix of each family, repeated to the same length
    List<String> v4 = new ArrayList<>();
    List<String> v6s = new ArrayList<>();
    for (String r : requests) {
      (r.indexOf(':') >= 0 ? v6s : v4).add(r);
    }
    for (int k = 0; k < Workload.KEYS; k++) {
      v4Requests[k] = v4.get(k % v4.size());
      v6Requests[k] = v6s.get(k % v6s.size());
    }
    engine = new DecisionEngine("shop", new CoarseClock(System.currentTimeMillis()), null, null,
        UnparseableAddressPolicy.BY_MODE);
    engine.rules(CompiledRules.compile("shop", w.snapshot()));
    List<String> hits = new ArrayList<>();
    List<String> misses = new ArrayList<>();
    for (String r : requests) {
      (engine.check(r, "GET /items", null).reason() == Decision.Reason.DENY_LIST ? hits : misses).add(r);
    }
    List<String> v4Hits = hits.stream().filter(r -> r.indexOf(':') < 0).toList();
    List<String> v6Hits = hits.stream().filter(r -> r.indexOf(':') >= 0).toList();
    for (int k = 0; k < Workload.KEYS; k++) {
      hitRequests[k] = hits.isEmpty() ? null : hits.get(k % hits.size());
      v4HitRequests[k] = v4Hits.isEmpty() ? null : v4Hits.get(k % v4Hits.size());
      v6HitRequests[k] = v6Hits.isEmpty() ? null : v6Hits.get(k % v6Hits.size());
      missRequests[k] = misses.get(k % misses.size());
    }
  }

  private int next() {
    return i++ & (Workload.KEYS - 1);
  }

  @Benchmark
  public long parse() {
    return Addresses.parse(requests[next()], v6);
  }

  @Benchmark
  public long parseIpv4() {
    return Addresses.parse(v4Requests[next()], v6);
  }

  @Benchmark
  public long parseIpv6() {
    return Addresses.parse(v6Requests[next()], v6);
  }

  @Benchmark
  public Decision checkHits() {
    return checkHitting(hitRequests, "address");
  }

  /** {@link #checkHits} on the hits of one family only (the workload's mix: 3 in 4 are IPv4). */
  @Benchmark
  public Decision checkHitsIpv4() {
    return checkHitting(v4HitRequests, "IPv4 address");
  }

  @Benchmark
  public Decision checkHitsIpv6() {
    return checkHitting(v6HitRequests, "IPv6 address");
  }

  private Decision checkHitting(String[] pool, String what) {
    String ip = pool[next()];
    if (ip == null) {
      throw new IllegalStateException("no " + what + " of this workload hits an entry"); // JMH skips the run
    }
    return engine.check(ip, "GET /items", null);
  }

  @Benchmark
  public Decision checkMisses() {
    return engine.check(missRequests[next()], "GET /items", null);
  }

  @Benchmark
  public int parseAndLookup() {
    long v4 = Addresses.parse(requests[next()], v6);
    if (v4 >= 0) {
      return table.lookupV4(v4);
    }
    return v4 == Addresses.IS_V6 ? table.lookupV6(v6[0], v6[1]) : RangeTable.NONE;
  }
}
