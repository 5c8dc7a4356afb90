package dev.portcullis.benchmarks;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.client.decide.RangeTable;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv4.IPv4AddressTrie;
import inet.ipaddr.ipv6.IPv6Address;
import inet.ipaddr.ipv6.IPv6AddressTrie;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CIDR matching alone on pre-parsed addresses, 100,000 blocks per family (prefixes /8-/32 for
 * IPv4, /16-/128 for IPv6, nested), half the probes inside some block: Portcullis's
 * {@link RangeTable} beside the {@code com.github.seancfoley:ipaddress} tries.
 *
 * <p>Run: {@code java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * org.openjdk.jmh.Main CidrMatchBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CidrMatchBenchmark {

  private static final int BLOCKS = 100_000;
  private static final int PROBES = 1 << 16;

  private RangeTable table;
  private IPv4AddressTrie trie4;
  private IPv6AddressTrie trie6;
  private final long[] v4 = new long[PROBES];
  private final long[] v6hi = new long[PROBES];
  private final long[] v6lo = new long[PROBES];
  private final IPv4Address[] lib4 = new IPv4Address[PROBES];
  private final IPv6Address[] lib6 = new IPv6Address[PROBES];
  private int i;

  @Setup
  public void setUp() {
    SplittableRandom rnd = new SplittableRandom(7);
    List<RangeTable.Entry> entries = new ArrayList<>();
    trie4 = new IPv4AddressTrie();
    trie6 = new IPv6AddressTrie();
    List<Cidr> c4 = new ArrayList<>();
    List<Cidr> c6 = new ArrayList<>();
    for (int k = 0; k < BLOCKS; k++) {
      Cidr a = Cidr.covering(IpAddress.ofV4(rnd.nextInt()), rnd.nextInt(8, 33));
      Cidr b = Cidr.covering(IpAddress.ofV6(0x2001_0000_0000_0000L | rnd.nextLong(1L << 48), rnd.nextLong()), rnd.nextInt(16, 129));
      c4.add(a);
      c6.add(b);
      entries.add(new RangeTable.Entry(a, 2 * k));
      entries.add(new RangeTable.Entry(b, 2 * k + 1));
      trie4.add(new IPAddressString(a.toString()).getAddress().toIPv4().toPrefixBlock());
      trie6.add(new IPAddressString(b.toString()).getAddress().toIPv6().toPrefixBlock());
    }
    table = RangeTable.of(entries);
    for (int k = 0; k < PROBES; k++) {
      IpAddress p4 = k % 2 == 0 ? c4.get(rnd.nextInt(BLOCKS)).network() : IpAddress.ofV4(rnd.nextInt());
      IpAddress p6 = k % 2 == 0 ? c6.get(rnd.nextInt(BLOCKS)).network()
          : IpAddress.ofV6(0x2001_0000_0000_0000L | rnd.nextLong(1L << 48), rnd.nextLong());
      v4[k] = p4.low();
      v6hi[k] = p6.high();
      v6lo[k] = p6.low();
      IPAddress a4 = new IPAddressString(p4.toString()).getAddress();
      IPAddress a6 = new IPAddressString(p6.toString()).getAddress();
      lib4[k] = a4.toIPv4();
      lib6[k] = a6.toIPv6();
    }
  }

  @Benchmark
  public int rangeTableV4() {
    int k = i++ & (PROBES - 1);
    return table.lookupV4(v4[k]);
  }

  @Benchmark
  public int rangeTableV6() {
    int k = i++ & (PROBES - 1);
    return table.lookupV6(v6hi[k], v6lo[k]);
  }

  @Benchmark
  public Object baselineIpaddressTrieV4() {
    return trie4.longestPrefixMatch(lib4[i++ & (PROBES - 1)]);
  }

  @Benchmark
  public Object baselineIpaddressTrieV6() {
    return trie6.longestPrefixMatch(lib6[i++ & (PROBES - 1)]);
  }
}
