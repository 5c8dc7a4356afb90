package dev.portcullis.client.decide;

import java.util.Arrays;

/**
 * The blocks of one family in the order a {@link RangeTable} flattens them: by network address, then
 * wider block first, then in the order they were added (so that of a block listed twice the later
 * listing is last). Sorts primitives, not objects: IPv4 blocks as one packed {@code long} each
 * (address, prefix, index), IPv6 blocks as triples of {@code long}s in a bottom-up merge sort, so that
 * a million blocks sort in a few hundred milliseconds with no object per block; blocks that arrive in
 * order (as a snapshot's lists sidecar stores them) cost one linear pass.
 */
final class BlockOrder {

  /** IPv4 packing: 32 address bits, 6 prefix bits, 26 index bits. */
  private static final int INDEX_BITS = 26;

  private BlockOrder() {}

  /** Indices of the blocks of one family ({@code v4} or IPv6), in flattening order. */
  static int[] of(Blocks b, boolean v4) {
    int n = 0;
    for (int i = 0; i < b.size(); i++) {
      n += b.v4(i) == v4 ? 1 : 0;
    }
    return v4 && b.size() < (1 << INDEX_BITS) ? packed(b, n) : triples(b, v4, n);
  }

  private static int[] packed(Blocks b, int n) {
    long[] keys = new long[n];
    int k = 0;
    for (int i = 0; i < b.size(); i++) {
      if (b.v4(i)) {
        // the sign bit flipped, so that a signed sort orders addresses unsigned
        keys[k++] = ((b.lo(i) << 32) | ((long) b.prefix(i) << INDEX_BITS) | i) ^ Long.MIN_VALUE;
      }
    }
    Arrays.sort(keys);
    int[] order = new int[n];
    for (int j = 0; j < n; j++) {
      order[j] = (int) (keys[j] & ((1L << INDEX_BITS) - 1));
    }
    return order;
  }

  private static int[] triples(Blocks b, boolean v4, int n) {
    long[] a = new long[3 * n];
    int k = 0;
    for (int i = 0; i < b.size(); i++) {
      if (b.v4(i) == v4) {
        a[3 * k] = b.hi(i);
        a[3 * k + 1] = b.lo(i);
        a[3 * k + 2] = ((long) b.prefix(i) << 32) | i;
        k++;
      }
    }
    long[] sorted = isSorted(a, n) ? a : mergeSort(a, n);
    int[] order = new int[n];
    for (int j = 0; j < n; j++) {
      order[j] = (int) sorted[3 * j + 2];
    }
    return order;
  }

  private static boolean isSorted(long[] a, int n) {
    for (int i = 1; i < n; i++) {
      if (compare(a, i - 1, i) > 0) {
        return false;
      }
    }
    return true;
  }

  /** Sorts {@code n} triples (unsigned, lexicographic); returns the array holding the result. */
  private static long[] mergeSort(long[] a, int n) {
    long[] src = a;
    long[] dst = new long[a.length];
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int i = lo;
        int j = mid;
        for (int o = lo; o < hi; o++) {
          int from;
          if (i < mid && (j >= hi || compare(src, i, j) <= 0)) {
            from = i++;
          } else {
            from = j++;
          }
          dst[3 * o] = src[3 * from];
          dst[3 * o + 1] = src[3 * from + 1];
          dst[3 * o + 2] = src[3 * from + 2];
        }
      }
      long[] t = src;
      src = dst;
      dst = t;
    }
    return src;
  }

  private static int compare(long[] a, int i, int j) {
    int c = Long.compareUnsigned(a[3 * i], a[3 * j]);
    if (c == 0) {
      c = Long.compareUnsigned(a[3 * i + 1], a[3 * j + 1]);
    }
    return c != 0 ? c : Long.compare(a[3 * i + 2], a[3 * j + 2]);
  }
}
