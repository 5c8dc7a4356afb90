package dev.portcullis.client.decide;

import dev.portcullis.address.Cidr;
import java.util.Arrays;
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

  private RangeTable(Blocks blocks, int[] labels, int[] parent) {
    blocks.trim();
    this.blocks = blocks.size();
    this.parent = parent;
    // ---- IPv4
    int[] order4 = BlockOrder.of(blocks, true);
    Intervals iv4 = new Intervals(order4.length + order4.length / 4); // a nested block splits its parent
    flatten(blocks, order4, labels, parent, iv4, 32);
    this.v4 = new Ipv4RangeIndex(iv4);
    // ---- IPv6
    int[] order6 = BlockOrder.of(blocks, false);
    Intervals iv6 = new Intervals(order6.length + order6.length / 4);
    flatten(blocks, order6, labels, parent, iv6, 128);
    int n = iv6.size();
    v6Range = new long[n * 4];
    v6Label = new int[n];
    int skip = 48;
    for (int i = 0; i < n; i++) {
      v6Range[4 * i] = iv6.startHi(i);
      v6Range[4 * i + 1] = iv6.startLo(i);
      v6Range[4 * i + 2] = iv6.endHi(i);
      v6Range[4 * i + 3] = iv6.endLo(i);
      v6Label[i] = iv6.label(i);
      skip = Math.min(skip, Long.numberOfLeadingZeros(iv6.startHi(i) ^ iv6.startHi(0)));
      skip = Math.min(skip, Long.numberOfLeadingZeros(iv6.endHi(i) ^ iv6.startHi(0)));
    }
    v6Skip = n == 0 ? 0 : skip;
    v6Common = v6Skip == 0 ? 0 : iv6.startHi(0) >>> (64 - v6Skip);
    v6Bits = indexBits(n, 64 - v6Skip);
    v6First = index(v6Range, n, v6Bits, v6Skip);
  }

  /** About one interval per bucket, between 2^8 and 2^20 buckets, never more bits than the key has. */
  static int indexBits(int intervals, int available) {
    int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, intervals));
    return Math.min(available, Math.max(8, Math.min(20, bits)));
  }

  public static RangeTable of(List<Entry> entries) {
    Blocks blocks = new Blocks(entries.size());
    int[] labels = new int[entries.size()];
    for (Entry e : entries) {
      labels[blocks.add(e.cidr())] = e.label();
    }
    return new RangeTable(blocks, labels, null);
  }

  /**
   * The table of {@code blocks}, each labelled with its index; with {@code parents}, it also keeps
   * for each block its {@link #parent}. A block listed twice: the later listing wins.
   */
  static RangeTable of(Blocks blocks, boolean parents) {
    int[] parent = null;
    if (parents) {
      parent = new int[blocks.size()];
      Arrays.fill(parent, NONE);
    }
    return new RangeTable(blocks, null, parent);
  }

  public static RangeTable empty() {
    return of(new Blocks(0), false);
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
   * Flattens one family's blocks, in {@link BlockOrder}, into disjoint sorted intervals, each
   * labelled with the most specific block covering it (IPv4 in the low word); fills {@code parent}
   * if given. A stack of the blocks enclosing the current one; no allocation per block.
   */
  private static void flatten(Blocks b, int[] order, int[] labels, int[] parent, Intervals out, int bits) {
    int[] stack = new int[bits + 2];
    int depth = 0;
    boolean open = false; // whether (curHi, curLo), the next address not yet emitted, exists
    long curHi = 0;
    long curLo = 0;
    for (int k = 0; k <= order.length; k++) {
      boolean end = k == order.length; // past the last block: close every block still open
      int e = end ? -1 : order[k];
      if (!end && k + 1 < order.length && b.sameBlock(order[k + 1], e)) {
        continue; // same block listed twice: the later one wins
      }
      while (depth > 0 && (end || !b.contains(stack[depth - 1], e))) {
        int top = stack[--depth];
        long endHi = b.endHi(top);
        long endLo = b.endLo(top);
        if (open) {
          emit(out, curHi, curLo, endHi, endLo, label(labels, top));
        }
        open = !isLast(endHi, endLo, bits);
        curLo = endLo + 1;
        curHi = bits == 32 || curLo != 0 ? endHi : endHi + 1;
      }
      if (end) {
        break;
      }
      if (parent != null) {
        // the enclosing block, then each listing of this block falls back to the one before it
        int p = depth > 0 ? label(labels, stack[depth - 1]) : NONE;
        int first = k;
        while (first > 0 && b.sameBlock(order[first - 1], e)) {
          first--;
        }
        for (int j = first; j <= k; j++) {
          parent[label(labels, order[j])] = p;
          p = label(labels, order[j]);
        }
      }
      long sHi = b.hi(e);
      long sLo = b.lo(e);
      if (depth > 0 && open && compare(curHi, curLo, sHi, sLo) < 0) {
        long beforeLo = sLo - 1;
        long beforeHi = sLo == 0 ? sHi - 1 : sHi;
        emit(out, curHi, curLo, beforeHi, beforeLo, label(labels, stack[depth - 1]));
      }
      stack[depth++] = e;
      curHi = sHi;
      curLo = sLo;
      open = true;
    }
  }

  private static int label(int[] labels, int block) {
    return labels == null ? block : labels[block];
  }

  /** True iff the address is the last of its family (nothing follows it). */
  private static boolean isLast(long hi, long lo, int bits) {
    return bits == 32 ? lo == 0xFFFF_FFFFL : hi == -1L && lo == -1L;
  }

  private static void emit(Intervals out, long fromHi, long fromLo, long toHi, long toLo, int label) {
    if (compare(fromHi, fromLo, toHi, toLo) > 0) {
      return;
    }
    out.add(fromHi, fromLo, toHi, toLo, label);
  }

  /**
   * Per bucket, the first interval that ends in that bucket or a later one; one extra slot holds the
   * count. The intervals that can contain an address of bucket b are then first[b] .. first[b + 1]
   * inclusive: the one at first[b + 1] may start in bucket b, and every later one starts after b.
   */
  private static int[] index(long[] ranges, int n, int bits, int skip) {
    int buckets = 1 << bits;
    int[] first = new int[buckets + 1];
    int i = 0;
    for (int b = 0; b < buckets; b++) {
      while (i < n && (int) ((ranges[4 * i + 2] << skip) >>> (64 - bits)) < b) {
        i++;
      }
      first[b] = i;
    }
    first[buckets] = n;
    return first;
  }
}
