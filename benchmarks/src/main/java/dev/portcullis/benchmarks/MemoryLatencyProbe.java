package dev.portcullis.benchmarks;

import java.util.SplittableRandom;

/**
 * What one random read costs on this machine, by the size of the memory it falls in: the floor under
 * any lookup whose tables are that large and whose addresses are spread evenly. Each step of a chase
 * reads the cache line the previous read named (a random cycle through every line of an
 * {@code int[]}), so no read can start before the one before it ends. Then two chases at once, in
 * one array of that size and in two arrays of half of it each (the same memory): how far two
 * independent reads overlap, as in a lookup that reads two tables at once.
 *
 * <p>Run: {@code java -Xmx4g -cp "$CP" dev.portcullis.benchmarks.MemoryLatencyProbe}. Prints, per
 * size, the best of seven rounds of 5 million steps in ns per step. Not a JMH benchmark: a chase is
 * one long dependent loop, which JMH's per-invocation harness would only add to.
 */
public final class MemoryLatencyProbe {

  private static final int STEPS = 5_000_000;
  private static final int ROUNDS = 7;
  private static final int INTS_PER_LINE = 16;

  private MemoryLatencyProbe() {}

  /** A random cycle through every cache line of an array of {@code kilobytes}: each line's first int names the next. */
  static int[] cycle(int kilobytes, long seed) {
    int ints = kilobytes * 1024 / Integer.BYTES;
    int lines = ints / INTS_PER_LINE;
    int[] order = new int[lines];
    for (int i = 0; i < lines; i++) {
      order[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = lines - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] next = new int[ints];
    for (int i = 0; i < lines; i++) {
      next[order[i] * INTS_PER_LINE] = order[(i + 1) % lines] * INTS_PER_LINE;
    }
    return next;
  }

  public static void main(String[] args) {
    System.out.printf("%8s %12s %22s %22s%n", "MB", "one chase", "two, in one array", "two, in two halves");
    int sink = 0;
    for (int mb : new int[] {1, 2, 4, 8, 16, 32, 64}) {
      int[] a = cycle(mb * 1024, 1);
      int[] half1 = cycle(mb * 512, 2);
      int[] half2 = cycle(mb * 512, 3);
      long one = Long.MAX_VALUE;
      long twoSame = Long.MAX_VALUE;
      long twoApart = Long.MAX_VALUE;
      int p = 0;
      int q = INTS_PER_LINE * (a.length / INTS_PER_LINE / 2);
      int r = 0;
      int u = 0;
      for (int round = 0; round < ROUNDS; round++) {
        long t0 = System.nanoTime();
        for (int s = 0; s < STEPS; s++) {
          p = a[p];
        }
        long t1 = System.nanoTime();
        for (int s = 0; s < STEPS; s++) {
          p = a[p];
          q = a[q];
        }
        long t2 = System.nanoTime();
        for (int s = 0; s < STEPS; s++) {
          r = half1[r];
          u = half2[u];
        }
        long t3 = System.nanoTime();
        one = Math.min(one, t1 - t0);
        twoSame = Math.min(twoSame, t2 - t1);
        twoApart = Math.min(twoApart, t3 - t2);
      }
      sink += p + q + r + u;
      System.out.printf("%8d %12.1f %22.1f %22.1f%n", mb, (double) one / STEPS, (double) twoSame / STEPS,
          (double) twoApart / STEPS);
    }
    System.out.println("(ns per step; checksum " + sink + ")");
  }
}
