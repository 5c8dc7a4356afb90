package dev.portcullis.benchmarks;

/** Ranks 0 .. n-1 drawn from a Zipf distribution with exponent {@code s} (0: uniform), by inverse CDF. */
public final class ZipfRanks {

  private final double[] cdf;

  public ZipfRanks(int n, double s) {
    cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += s == 0 ? 1.0 : 1.0 / Math.pow(k + 1, s);
      cdf[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cdf[k] /= sum;
    }
  }

  /** The rank of a uniform draw {@code u} in [0, 1). */
  public int rank(double u) {
    int lo = 0;
    int hi = cdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
