package dev.portcullis.client.decide;

import java.util.Arrays;

/**
 * The IPv4 half of a {@link RangeTable}: labelled, disjoint address intervals, looked up with one
 * cache miss in the common case.
 *
 * <p>Design note. The intervals and the gaps between them form a partition of the address space:
 * each piece starts where the previous one ends and carries a label (none for a gap). The space is cut
 * into 2^{@code bits} equal buckets (about one piece starting per bucket, 2^8 to 2^20 buckets), and
 * each bucket is four ints, 16 bytes, four to a cache line (a large table is a humongous object in
 * G1, allocated at a region boundary, so its buckets do not straddle two lines):
 * <ul>
 *   <li>a head: how many pieces start inside the bucket (0 to 3, two bits) and the label of the
 *       piece that covers the bucket's first address (30 bits);</li>
 *   <li>up to three pieces starting inside it, in address order: the start's offset in the bucket in
 *       the high bits, the label in the low {@code bits} bits.</li>
 * </ul>
 * A lookup reads the bucket and keeps the label of the last piece starting at or before the address,
 * with no search and no data-dependent branch. A bucket with more than three starts, or with a label
 * too wide for its slot, is marked in its head, and its other ints give its own slice of a side array
 * of pieces, searched by bisection (a few percent of buckets at a million entries). Labels are stored plus one,
 * so that 0 is "none"; labels wider than the slots allow are first renumbered densely (and mapped
 * back with one more read) so that tables with few IPv4 blocks but large labels still fit.
 *
 * <p>Immutable and thread-safe once built.
 */
final class Ipv4RangeIndex {

  private static final int OVERFLOW = -1;          // head of a bucket answered from the side array
  private static final int CARRY_MASK = 0x3FFF_FFFF;

  private final int bits;
  private final int shift;
  private final int offsetMask;
  private final int labelMask;
  private final int[] buckets;
  private final long[] overflow; // per crowded bucket, its pieces: (start << 32) | stored label, sorted
  private final int[] remap;     // stored label - 1 → caller's label, or null when they are the same

  /** @param intervals disjoint and sorted, IPv4 (the low words), as {@link RangeTable} flattens them */
  Ipv4RangeIndex(Intervals intervals) {
    // ---- the partition: pieces of (start, label) with gaps as label -1, neighbours merged
    long[] starts = new long[2 * intervals.size() + 1];
    int[] labels = new int[starts.length];
    int n = 0;
    long next = 0;
    int maxLabel = -1;
    for (int i = 0; i < intervals.size(); i++) {
      if (intervals.startLo(i) > next) {
        n = piece(starts, labels, n, next, -1);
      }
      n = piece(starts, labels, n, intervals.startLo(i), intervals.label(i));
      maxLabel = Math.max(maxLabel, intervals.label(i));
      next = intervals.endLo(i) + 1;
    }
    if (n == 0 || next <= 0xFFFF_FFFFL) {
      n = piece(starts, labels, n, next, -1);
    }
    bits = RangeTable.indexBits(n, 32);
    shift = 32 - bits;
    offsetMask = (1 << shift) - 1;
    labelMask = (1 << bits) - 1;
    // ---- labels that do not fit a slot are renumbered densely
    if (maxLabel + 1 > labelMask) {
      int[] dense = new int[maxLabel + 1];
      Arrays.fill(dense, -1);
      int[] back = new int[n];
      int ids = 0;
      for (int i = 0; i < n; i++) {
        if (labels[i] >= 0) {
          if (dense[labels[i]] < 0) {
            back[ids] = labels[i];
            dense[labels[i]] = ids++;
          }
          labels[i] = dense[labels[i]];
        }
      }
      remap = Arrays.copyOf(back, ids);
    } else {
      remap = null;
    }
    // ---- the buckets
    int count = 1 << bits;
    buckets = new int[count * 4];
    long[] side = new long[16];
    int sideCount = 0;
    int j = 0; // the piece covering the current bucket's first address
    for (int b = 0; b < count; b++) {
      long first = (long) b << shift;
      long last = first + offsetMask;
      while (j + 1 < n && starts[j + 1] <= first) {
        j++;
      }
      int k = j + 1;
      while (k < n && starts[k] <= last) {
        k++;
      }
      int inside = k - j - 1;
      boolean fits = inside <= 3 && labels[j] + 1 < CARRY_MASK;
      for (int m = j + 1; m < k && fits; m++) {
        fits = labels[m] + 1 <= labelMask;
      }
      if (fits) {
        buckets[4 * b] = (inside << 30) | (labels[j] + 1);
        for (int m = j + 1; m < k; m++) {
          buckets[4 * b + (m - j)] = (int) ((starts[m] - first) << bits) | (labels[m] + 1);
        }
      } else {
        buckets[4 * b] = OVERFLOW;
        buckets[4 * b + 1] = sideCount;
        buckets[4 * b + 2] = inside + 1;
        if (sideCount + inside + 1 > side.length) {
          side = Arrays.copyOf(side, Math.max(2 * side.length, sideCount + inside + 1));
        }
        side[sideCount++] = (first << 32) | (labels[j] + 1);
        for (int m = j + 1; m < k; m++) {
          side[sideCount++] = (starts[m] << 32) | (labels[m] + 1);
        }
      }
      j = k - 1;
    }
    overflow = Arrays.copyOf(side, sideCount);
  }

  private static int piece(long[] starts, int[] labels, int n, long start, int label) {
    if (n > 0 && labels[n - 1] == label) {
      return n; // continues the previous piece
    }
    starts[n] = start;
    labels[n] = label;
    return n + 1;
  }

  /** The label of the interval containing {@code address} (0 .. 2^32-1), or {@link RangeTable#NONE}. */
  int lookup(long address) {
    int base = (int) (address >>> shift) << 2;
    int head = buckets[base];
    int stored;
    if (head == OVERFLOW) {
      stored = overflowLookup(address, buckets[base + 1], buckets[base + 2]);
    } else {
      int inside = head >>> 30;
      int offset = (int) address & offsetMask;
      int s1 = buckets[base + 1];
      int s2 = buckets[base + 2];
      int s3 = buckets[base + 3];
      stored = head & CARRY_MASK;
      stored = (inside >= 1) & (s1 >>> bits) <= offset ? s1 & labelMask : stored;
      stored = (inside >= 2) & (s2 >>> bits) <= offset ? s2 & labelMask : stored;
      stored = (inside >= 3) & (s3 >>> bits) <= offset ? s3 & labelMask : stored;
    }
    int label = stored - 1;
    return label < 0 || remap == null ? label : remap[label];
  }

  /** The stored label of the last piece of the bucket's slice starting at or before the address. */
  private int overflowLookup(long address, int from, int length) {
    int lo = from + 1;
    int hi = from + length - 1;
    int found = from; // the bucket's first piece starts at its first address
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (overflow[mid] >>> 32 <= address) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return (int) overflow[found];
  }

  /** Buckets answered from the side array, for tests and sizing. */
  int overflowBuckets() {
    int n = 0;
    for (int b = 0; b < buckets.length; b += 4) {
      n += buckets[b] == OVERFLOW ? 1 : 0;
    }
    return n;
  }

  /** Whether labels were renumbered to fit the slots. */
  boolean renumbered() {
    return remap != null;
  }
}
