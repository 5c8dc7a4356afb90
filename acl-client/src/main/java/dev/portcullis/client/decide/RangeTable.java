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
 * address intervals, each labelled with the most specific block covering it. A lookup finds the
 * last interval starting at or before the address and checks that it ends at or after it. To keep
 * that search to a step or two, a first-level index maps the top 16 bits of the address (IPv4) or
 * of its first 64 bits (IPv6) to the slice of intervals that can contain it; within the slice a
 * binary search finishes the job. For IPv6 the index skips the leading bits that every block shares
 * (a list of blocks inside 2001:db8::/32 is indexed on the 16 bits after the /32), so that one
 * busy allocation does not put every interval into one bucket. 1,000,000 blocks take about 16 bytes per interval plus 512 KiB
 * of index per family. Labels are ints chosen by the builder (an index into its own value array).
 *
 * <p>Immutable and thread-safe once built.
 */
public final class RangeTable {

  /** Returned when no block contains the address. */
  public static final int NONE = -1;

  private static final int INDEX_BITS = 16;

  // IPv4: interval bounds as unsigned 32-bit values stored in ints
  private final int[] v4Start;
  private final int[] v4End;
  private final int[] v4Label;
  private final int[] v4From; // per top-16-bit bucket: first interval that may contain it
  private final int[] v4To;   // exclusive
  // IPv6
  private final long[] v6StartHi;
  private final long[] v6StartLo;
  private final long[] v6EndHi;
  private final long[] v6EndLo;
  private final int[] v6Label;
  private final int[] v6From;
  private final int[] v6To;
  private final int v6Skip;      // leading bits that every IPv6 interval shares; the index uses the 16 after them
  private final long v6Common;   // those shared bits (hi >>> (64 - v6Skip)); meaningless when v6Skip == 0
  private final int blocks;

  /** One block and its label. */
  public record Entry(Cidr cidr, int label) {}

  private RangeTable(List<Entry> entries) {
    List<Entry> v4 = new ArrayList<>();
    List<Entry> v6 = new ArrayList<>();
    for (Entry e : entries) {
      (e.cidr().network().isV4() ? v4 : v6).add(e);
    }
    blocks = entries.size();
    // ---- IPv4
    List<long[]> iv4 = flatten(v4, 32);
    v4Start = new int[iv4.size()];
    v4End = new int[iv4.size()];
    v4Label = new int[iv4.size()];
    for (int i = 0; i < iv4.size(); i++) {
      long[] x = iv4.get(i);
      v4Start[i] = (int) x[1];
      v4End[i] = (int) x[3];
      v4Label[i] = (int) x[4];
    }
    v4From = new int[1 << INDEX_BITS];
    v4To = new int[1 << INDEX_BITS];
    index(iv4, v4From, v4To, true, 0);
    // ---- IPv6
    List<long[]> iv6 = flatten(v6, 128);
    v6StartHi = new long[iv6.size()];
    v6StartLo = new long[iv6.size()];
    v6EndHi = new long[iv6.size()];
    v6EndLo = new long[iv6.size()];
    v6Label = new int[iv6.size()];
    for (int i = 0; i < iv6.size(); i++) {
      long[] x = iv6.get(i);
      v6StartHi[i] = x[0];
      v6StartLo[i] = x[1];
      v6EndHi[i] = x[2];
      v6EndLo[i] = x[3];
      v6Label[i] = (int) x[4];
    }
    int skip = 48;
    for (long[] x : iv6) {
      skip = Math.min(skip, Long.numberOfLeadingZeros(x[0] ^ iv6.get(0)[0]));
      skip = Math.min(skip, Long.numberOfLeadingZeros(x[2] ^ iv6.get(0)[0]));
    }
    v6Skip = iv6.isEmpty() ? 0 : skip;
    v6Common = v6Skip == 0 ? 0 : iv6.get(0)[0] >>> (64 - v6Skip);
    v6From = new int[1 << INDEX_BITS];
    v6To = new int[1 << INDEX_BITS];
    index(iv6, v6From, v6To, false, v6Skip);
  }

  public static RangeTable of(List<Entry> entries) {
    return new RangeTable(entries);
  }

  public static RangeTable empty() {
    return new RangeTable(List.of());
  }

  public int blocks() {
    return blocks;
  }

  public boolean isEmpty() {
    return blocks == 0;
  }

  /** Label of the most specific block containing the IPv4 address {@code bits}, or {@link #NONE}. */
  public int lookupV4(long bits) {
    int b = (int) (bits >>> (32 - INDEX_BITS));
    int lo = v4From[b];
    int hi = v4To[b] - 1;
    int key = (int) bits;
    // last interval with start <= key (unsigned)
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Integer.compareUnsigned(v4Start[mid], key) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (hi >= 0 && hi >= v4From[b] && Integer.compareUnsigned(key, v4End[hi]) <= 0) {
      return v4Label[hi];
    }
    return NONE;
  }

  /** Label of the most specific block containing the IPv6 address, or {@link #NONE}. */
  public int lookupV6(long addrHi, long addrLo) {
    if (v6Skip > 0 && addrHi >>> (64 - v6Skip) != v6Common) {
      return NONE; // outside the prefix that every block shares
    }
    int b = (int) ((addrHi << v6Skip) >>> (64 - INDEX_BITS));
    int from = v6From[b];
    int lo = from;
    int hi = v6To[b] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(v6StartHi[mid], v6StartLo[mid], addrHi, addrLo) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (hi >= from && compare(addrHi, addrLo, v6EndHi[hi], v6EndLo[hi]) <= 0) {
      return v6Label[hi];
    }
    return NONE;
  }

  private static int compare(long aHi, long aLo, long bHi, long bLo) {
    int c = Long.compareUnsigned(aHi, bHi);
    return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
  }

  /**
   * Disjoint intervals {startHi, startLo, endHi, endLo, label}, sorted, each labelled with the most
   * specific block covering it. IPv4 uses the low word only.
   */
  private static List<long[]> flatten(List<Entry> entries, int bits) {
    Entry[] sorted = entries.toArray(new Entry[0]);
    // by start ascending, then shorter prefix (wider block) first; duplicates keep the last label
    Arrays.sort(sorted, Comparator.<Entry, long[]>comparing(e -> start(e, bits), RangeTable::compareKey)
        .thenComparingInt(e -> e.cidr().prefix()));
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

  private static void index(List<long[]> iv, int[] from, int[] to, boolean v4, int skip) {
    int n = iv.size();
    int buckets = from.length;
    int first = 0;
    for (int b = 0; b < buckets; b++) {
      // intervals that can contain an address of bucket b end at or after its first address
      while (first < n && bucketOf(iv.get(first), true, v4, skip) < b) {
        first++;
      }
      from[b] = first;
    }
    int last = 0;
    for (int b = 0; b < buckets; b++) {
      while (last < n && bucketOf(iv.get(last), false, v4, skip) <= b) {
        last++;
      }
      to[b] = last;
    }
  }

  /** Bucket of an interval's end ({@code ofEnd}) or start. */
  private static int bucketOf(long[] interval, boolean ofEnd, boolean v4, int skip) {
    if (v4) {
      long x = ofEnd ? interval[3] : interval[1];
      return (int) ((x & 0xFFFF_FFFFL) >>> (32 - INDEX_BITS));
    }
    long x = ofEnd ? interval[2] : interval[0];
    return (int) ((x << skip) >>> (64 - INDEX_BITS));
  }
}
