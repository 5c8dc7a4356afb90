package dev.portcullis.client.notice;

/**
 * Paces the rebuilds of the intercept set so that they take at most a fixed share of one core,
 * whatever the rate of notices: after a rebuild that took {@code t}, the next may start
 * {@code t × (1 - share) / share} later (capped). A small set rebuilds in microseconds, so every change
 * applies at once; a set of 100,000 intercepts takes tens of milliseconds to rebuild, and under a storm
 * of notices (an attack from many addresses, each issued and expiring on its own) rebuilding after every
 * poll would keep a core of the host service busy. Changes that arrive meanwhile wait and go into the
 * next rebuild together.
 *
 * <p>Single-threaded: used by the notice thread only. Times are {@link System#nanoTime()} values.
 */
final class RebuildPacer {

  private final double share;
  private final long maxGapNanos;
  private long nextAllowed = Long.MIN_VALUE;
  private boolean started;

  /**
   * @param share       the largest share of one core rebuilds may take, in (0, 1]
   * @param maxGapNanos the longest a change may wait for its rebuild
   */
  RebuildPacer(double share, long maxGapNanos) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in (0, 1], was " + share);
    }
    if (maxGapNanos < 0) {
      throw new IllegalArgumentException("maxGap must be >= 0, was " + maxGapNanos);
    }
    this.share = share;
    this.maxGapNanos = maxGapNanos;
  }

  /** Whether a rebuild may start now. */
  boolean mayRebuild(long nowNanos) {
    return !started || nowNanos - nextAllowed >= 0;
  }

  /** How long until a rebuild may start, 0 if now. */
  long waitNanos(long nowNanos) {
    return mayRebuild(nowNanos) ? 0 : nextAllowed - nowNanos;
  }

  /** Records a rebuild that ran from {@code startNanos} to {@code endNanos}. */
  void rebuilt(long startNanos, long endNanos) {
    long took = Math.max(0, endNanos - startNanos);
    long gap = Math.min(maxGapNanos, (long) (took * (1 - share) / share));
    nextAllowed = endNanos + gap;
    started = true;
  }
}
