package dev.portcullis.client.decide;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An optional in-process per-IP limit that reacts at once, before the fleet-wide loop does: at most
 * {@code perSecond} requests per address per calendar second on this node.
 *
 * <p>Design note. A fixed table of {@code slots} entries (a power of two) keyed by a hash of the
 * address, so memory is bounded whatever the traffic: each slot holds the address hash and a packed
 * (second, count) word updated by compare-and-set. An address probes up to four slots; if all are
 * held by other addresses active in the current second it is not tracked (and not limited) rather
 * than evicting one: a flood of distinct addresses cannot make this limiter refuse a legitimate one.
 * Two different addresses racing for one free slot may briefly share its count; the error is
 * at most one second of one slot, in either direction.
 *
 * <p>Thread-safe and allocation-free.
 */
public final class LocalLimiter {

  private static final int PROBES = 4;

  private final long perSecond;
  private final long[] keys;
  private final AtomicLongArray state; // (second << 32) | count
  private final int mask;

  public LocalLimiter(long perSecond, int slots) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("local limit perSecond must be >= 1, was " + perSecond);
    }
    if (slots < 16 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("local limiter slots must be a power of two >= 16, was " + slots);
    }
    this.perSecond = perSecond;
    this.keys = new long[slots];
    this.state = new AtomicLongArray(slots);
    this.mask = slots - 1;
  }

  public long perSecond() {
    return perSecond;
  }

  /** Counts one request of {@code addressHash} at {@code nowMillis}; true iff it is over the limit. */
  public boolean overLimit(long addressHash, long nowMillis) {
    long second = nowMillis / 1000;
    int idx = (int) Addresses.mix(addressHash) & mask;
    for (int p = 0; p < PROBES; p++) {
      int i = (idx + p) & mask;
      while (true) {
        long s = state.get(i);
        long slotSecond = s >>> 32;
        long count = s & 0xFFFF_FFFFL;
        boolean mine = keys[i] == addressHash;
        if (!mine && slotSecond == (second & 0xFFFF_FFFFL) && count > 0) {
          break; // held by another address this second: try the next slot
        }
        long next = mine && slotSecond == (second & 0xFFFF_FFFFL)
            ? s + 1
            : ((second & 0xFFFF_FFFFL) << 32) | 1;
        if (state.compareAndSet(i, s, next)) {
          if (!mine) {
            keys[i] = addressHash;
          }
          return (next & 0xFFFF_FFFFL) > perSecond;
        }
      }
    }
    return false;
  }
}
