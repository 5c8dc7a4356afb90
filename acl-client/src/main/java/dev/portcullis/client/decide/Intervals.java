package dev.portcullis.client.decide;

import java.util.Arrays;

/**
 * Disjoint, sorted address intervals, each with a label, in columns (start and end as high and low
 * words; IPv4 uses the low word): what {@link RangeTable} flattens its blocks into before it lays
 * out its lookup structures. Filled by one thread, then read.
 */
final class Intervals {

  private int size;
  private long[] startHi;
  private long[] startLo;
  private long[] endHi;
  private long[] endLo;
  private int[] label;

  /** @param expected how many intervals are likely (n blocks flatten into at most 2n - 1) */
  Intervals(int expected) {
    int n = Math.max(16, expected);
    startHi = new long[n];
    startLo = new long[n];
    endHi = new long[n];
    endLo = new long[n];
    label = new int[n];
  }

  void add(long fromHi, long fromLo, long toHi, long toLo, int l) {
    if (size == label.length) {
      int n = 2 * size;
      startHi = Arrays.copyOf(startHi, n);
      startLo = Arrays.copyOf(startLo, n);
      endHi = Arrays.copyOf(endHi, n);
      endLo = Arrays.copyOf(endLo, n);
      label = Arrays.copyOf(label, n);
    }
    startHi[size] = fromHi;
    startLo[size] = fromLo;
    endHi[size] = toHi;
    endLo[size] = toLo;
    label[size] = l;
    size++;
  }

  int size() {
    return size;
  }

  long startHi(int i) {
    return startHi[i];
  }

  long startLo(int i) {
    return startLo[i];
  }

  long endHi(int i) {
    return endHi[i];
  }

  long endLo(int i) {
    return endLo[i];
  }

  int label(int i) {
    return label[i];
  }
}
