package dev.portcullis.benchmarks;

import java.util.SplittableRandom;

/** Ranks drawn from a Zipf distribution (or uniformly), for generated request mixes. */
final class Draws {

  private Draws() {}

  /** {@code count} ranks in 0 .. {@code n}-1, Zipf with exponent {@code s} (0: uniform). */
  static int[] zipf(SplittableRandom rnd, int n, double s, int count) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += s == 0 ? 1.0 : 1.0 / Math.pow(k + 1, s);
      cdf[k] = sum;
    }
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      double u = rnd.nextDouble() * sum;
      int lo = 0;
      int hi = n - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      out[i] = lo;
    }
    return out;
  }
}
