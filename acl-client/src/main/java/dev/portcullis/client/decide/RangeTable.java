package dev.portcullis.client.decide;

import dev.portcullis.address.Cidr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Longest-prefix match over address blocks, built once, read without locks or allocation.
 *
 * <p>Design note. Blocks either nest or are disjoint, so the set of blocks flattens into disjoint
 * address intervals, each labelled with the most specific block covering it. With a million blocks
 * and addresses spread evenly, every memory access is a cache miss, so the layouts keep them few.
 * IPv4 ({@link Ipv4RangeIndex}): the space is cut into about as many equal buckets as intervals, and
 * each 16-byte bucket holds the answer for its whole range (one miss). IPv6: a first-level index on
 * the top bits of the address's first 64 bits, sized to the table (2^8 to 2^20 buckets), gives the
 * slice of intervals that can contain it, and each interval's start and end sit side by side (four
 * {@code long}s), so the search's last probe also brings the end. The IPv6 index skips the leading
 * bits that every block shares (a list of blocks inside 2001:db8::/32 is indexed on the bits after
 * the /32), so that one busy allocation does not put every interval into one bucket. Labels are ints
 * chosen by the builder (an index into its own value array).
 *
 * <p>Immutable and thread-safe once built.
 */
public final class RangeTable {

  /** Returned when no block contains the address. */
  public static final int NONE = -1;

  private final Ipv4RangeIndex v4;
  // IPv6: startHi, startLo, endHi, endLo per interval
  private final long[] v6Range;
  private final int[] v6Label;
  private final int v6Bits;
  private final int[] v6First;
  private final int v6Skip;      // leading bits that every IPv6 interval shares; the index uses the bits after them
  private final long v6Common;   // those shared bits (hi >>> (64 - v6Skip)); meaningless when v6Skip == 0
  private final int blocks;
  private final int[] parent; // by label; null unless built withParents

  /** One block and its label. */
  public record Entry(Cidr cidr, int label) {}

  private RangeTable(List<Entry> entries, int[] parent) {
    List<Entry> v4Blocks = new ArrayList<>();
    List<Entry> v6 = new ArrayList<>();
    for (Entry e : entries) {
      (e.cidr().network().isV4() ? v4Blocks : v6).add(e);
    }
    blocks = entries.size();
    this.parent = parent;
    // ---- IPv4
    this.v4 = new Ipv4RangeIndex(flatten(v4Blocks, 32, parent));
    // ---- IPv6
    List<long[]> iv6 = flatten(v6, 128, parent);
    v6Range = new long[iv6.size() * 4];
    v6Label = new int[iv6.size()];
    for (int i = 0; i < iv6.size(); i++) {
      long[] x = iv6.get(i);
      System.arraycopy(x, 0, v6Range, 4 * i, 4);
      v6Label[i] = (int) x[4];
    }
    int skip = 48;
    for (long[] x : iv6) {
      skip = Math.min(skip, Long.numberOfLeadingZeros(x[0] ^ iv6.get(0)[0]));
      skip = Math.min(skip, Long.numberOfLeadingZeros(x[2] ^ iv6.get(0)[0]));
    }
    v6Skip = iv6.isEmpty() ? 0 : skip;
    v6Common = v6Skip == 0 ? 0 : iv6.get(0)[0] >>> (64 - v6Skip);
    v6Bits = indexBits(iv6.size(), 64 - v6Skip);
    v6First = index(iv6, v6Bits, v6Skip);
  }

  /** About one interval per bucket, between 2^8 and 2^20 buckets, never more bits than the key has. */
  static int indexBits(int intervals, int available) {
    int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, intervals));
    return Math.min(available, Math.max(8, Math.min(20, bits)));
  }

  public static RangeTable of(List<Entry> entries) {
    return new RangeTable(entries, null);
  }

  /**
   * As {@link #of}, also keeping for each label its {@link #parent}; labels must be below
   * {@code labels}.
   */
  public static RangeTable withParents(List<Entry> entries, int labels) {
    int[] parent = new int[labels];
    Arrays.fill(parent, NONE);
    return new RangeTable(entries, parent);
  }

  public static RangeTable empty() {
    return new RangeTable(List.of(), null);
  }

  /**
   * The label of the most specific other block that contains {@code label}'s block (for a block
   * listed twice, the earlier listing, which the later overrides), or {@link #NONE}: what applies where
   * {@code label}'s block does not. Only for a table built {@link #withParents}.
   */
  public int parent(int label) {
    if (parent == null) {
      throw new IllegalStateException("this table was built without parents");
    }
    return parent[label];
  }

  public int blocks() {
    return blocks;
  }

  public boolean isEmpty() {
    return blocks == 0;
  }

  /** Label of the most specific block containing the IPv4 address {@code bits}, or {@link #NONE}. */
  public int lookupV4(long bits) {
    return v4.lookup(bits);
  }

  /** The IPv4 half, for tests. */
  Ipv4RangeIndex v4Index() {
    return v4;
  }

  /** Label of the most specific block containing the IPv6 address, or {@link #NONE}. */
  public int lookupV6(long addrHi, long addrLo) {
    if (v6Skip > 0 && addrHi >>> (64 - v6Skip) != v6Common) {
      return NONE; // outside the prefix that every block shares
    }
    int b = (int) ((addrHi << v6Skip) >>> (64 - v6Bits));
    int lo = v6First[b];
    int hi = Math.min(v6First[b + 1], v6Label.length - 1);
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(v6Range[4 * mid], v6Range[4 * mid + 1], addrHi, addrLo) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found >= 0 && compare(addrHi, addrLo, v6Range[4 * found + 2], v6Range[4 * found + 3]) <= 0
        ? v6Label[found] : NONE;
  }

  private static int compare(long aHi, long aLo, long bHi, long bLo) {
    int c = Long.compareUnsigned(aHi, bHi);
    return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
  }

  /**
   * Disjoint intervals {startHi, startLo, endHi, endLo, label}, sorted, each labelled with the most
   * specific block covering it. IPv4 uses the low word only.
   */
  private static List<long[]> flatten(List<Entry> entries, int bits, int[] parent) {
    Entry[] sorted = entries.toArray(new Entry[0]);
    // by start ascending, then shorter prefix (wider block) first; stable, so duplicates stay in order
    // and the last one wins
    Arrays.sort(sorted, BY_START_WIDER_FIRST);
    List<long[]> out = new ArrayList<>();
    Entry[] stack = new Entry[bits + 2];
    int depth = 0;
    long[] cursor = null; // next address not yet emitted
    for (int k = 0; k < sorted.length; k++) {
      Entry e = sorted[k];
      if (k + 1 < sorted.length && sorted[k + 1].cidr().equals(e.cidr())) {
        continue; // same block listed twice: the later one wins
      }
      long[] s = start(e, bits);
      while (depth > 0 && !stack[depth - 1].cidr().contains(e.cidr())) {
        Entry top = stack[--depth];
        long[] end = end(top, bits);
        emit(out, cursor, end, top.label());
        cursor = increment(end, bits);
      }
      if (parent != null) {
        // the enclosing block, then each listing of this block falls back to the one before it
        int p = depth > 0 ? stack[depth - 1].label() : NONE;
        int first = k;
        while (first > 0 && sorted[first - 1].cidr().equals(e.cidr())) {
          first--;
        }
        for (int j = first; j <= k; j++) {
          parent[sorted[j].label()] = p;
          p = sorted[j].label();
        }
      }
      if (depth > 0 && cursor != null && compareKey(cursor, s) < 0) {
        emit(out, cursor, decrement(s), stack[depth - 1].label());
      }
      stack[depth++] = e;
      cursor = s;
    }
    while (depth > 0) {
      Entry top = stack[--depth];
      long[] end = end(top, bits);
      emit(out, cursor, end, top.label());
      cursor = increment(end, bits);
    }
    return out;
  }

  private static final Comparator<Entry> BY_START_WIDER_FIRST = (a, b) -> {
    var x = a.cidr().network();
    var y = b.cidr().network();
    int c = Long.compareUnsigned(x.high(), y.high());
    if (c == 0) {
      c = Long.compareUnsigned(x.low(), y.low());
    }
    return c != 0 ? c : Integer.compare(a.cidr().prefix(), b.cidr().prefix());
  };

  private static void emit(List<long[]> out, long[] from, long[] to, int label) {
    if (from == null || compareKey(from, to) > 0) {
      return;
    }
    out.add(new long[] {from[0], from[1], to[0], to[1], label});
  }

  private static long[] start(Entry e, int bits) {
    var n = e.cidr().network();
    return new long[] {n.high(), n.low()};
  }

  private static long[] end(Entry e, int bits) {
    var n = e.cidr().network();
    int host = bits - e.cidr().prefix();
    if (bits == 32) {
      long mask = host == 32 ? 0xFFFF_FFFFL : (1L << host) - 1;
      return new long[] {0, n.low() | mask};
    }
    long hiMask = host >= 128 ? -1L : host > 64 ? (1L << (host - 64)) - 1 : 0;
    long loMask = host >= 64 ? -1L : host == 0 ? 0 : (1L << host) - 1;
    return new long[] {n.high() | hiMask, n.low() | loMask};
  }

  /** The next address, or null past the last address of the family (nothing follows it). */
  private static long[] increment(long[] k, int bits) {
    if (bits == 32 ? k[1] == 0xFFFF_FFFFL : (k[0] == -1L && k[1] == -1L)) {
      return null;
    }
    long lo = k[1] + 1;
    long hi = lo == 0 ? k[0] + 1 : k[0];
    return new long[] {hi, lo};
  }

  private static long[] decrement(long[] k) {
    long lo = k[1] - 1;
    long hi = k[1] == 0 ? k[0] - 1 : k[0];
    return new long[] {hi, lo};
  }

  private static int compareKey(long[] a, long[] b) {
    return compare(a[0], a[1], b[0], b[1]);
  }

  /**
   * Per bucket, the first interval that ends in that bucket or a later one; one extra slot holds the
   * count. The intervals that can contain an address of bucket b are then first[b] .. first[b + 1]
   * inclusive: the one at first[b + 1] may start in bucket b, and every later one starts after b.
   */
  private static int[] index(List<long[]> iv, int bits, int skip) {
    int buckets = 1 << bits;
    int[] first = new int[buckets + 1];
    int n = iv.size();
    int i = 0;
    for (int b = 0; b < buckets; b++) {
      while (i < n && endBucket(iv.get(i), bits, skip) < b) {
        i++;
      }
      first[b] = i;
    }
    first[buckets] = n;
    return first;
  }

  private static int endBucket(long[] interval, int bits, int skip) {
    return (int) ((interval[2] << skip) >>> (64 - bits));
  }
}
