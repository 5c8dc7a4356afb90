package dev.portcullis.benchmarks;

import java.util.SplittableRandom;

/** Ranks drawn from a Zipf distribution (or uniformly), for generated request mixes. */
final class Draws {

  private Draws() {}

  /** {@code count} ranks in 0 .. {@code n}-1, Zipf with exponent {@code s} (0: uniform). */
  static int[] zipf(SplittableRandom rnd, int n, double s, int count) {
    ZipfRanks ranks = new ZipfRanks(n, s);
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = ranks.rank(rnd.nextDouble());
    }
    return out;
  }
}
