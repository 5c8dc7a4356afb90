package dev.portcullis.aggregator.topology;

import java.nio.ByteBuffer;

/**
 * The counts of one store entry: a few rings of tumbling windows (for an address: the last K one-
 * second windows and the last M one-minute windows; for a quota: the last D days), each slot holding
 * the window start, the requests and the denied requests. One entry per key holds every window of
 * that key, so counting a record costs one store read and one store write.
 *
 * <p>Slot of a window = its start modulo the ring size. A record for a newer window replaces the
 * slot's old window (which the flush has written out by then, unless Redis was down for the whole
 * ring: that is counted); a record older than the window in its slot is late and refused.
 *
 * <p>Not thread-safe; one stream thread owns an instance between decode and encode.
 */
final class WindowState {

  /** Returned by {@link #add} for a record older than every retained window of its ring. */
  static final int LATE = -1;

  private final int[] ringSizes;
  private final int[] ringOffset;
  private final long[] start;
  private final long[] n;
  private final long[] denied;

  WindowState(int... ringSizes) {
    this.ringSizes = ringSizes.clone();
    this.ringOffset = new int[ringSizes.length];
    int total = 0;
    for (int i = 0; i < ringSizes.length; i++) {
      ringOffset[i] = total;
      total += ringSizes[i];
    }
    this.start = new long[total];
    this.n = new long[total];
    this.denied = new long[total];
    java.util.Arrays.fill(start, Long.MIN_VALUE);
  }

  int slots() {
    return start.length;
  }

  /** The slot of {@code ring} that the window starting at {@code windowStart} uses. */
  int slotOf(int ring, long windowStart) {
    return ringOffset[ring] + (int) Math.floorMod(windowStart, (long) ringSizes[ring]);
  }

  /** Adds to the window starting at {@code windowStart} of {@code ring}; returns the slot, or {@link #LATE}. */
  int add(int ring, long windowStart, long requests, long refused) {
    int slot = ringOffset[ring] + (int) Math.floorMod(windowStart, (long) ringSizes[ring]);
    long s = start[slot];
    if (s == windowStart) {
      n[slot] += requests;
      denied[slot] += refused;
    } else if (s < windowStart) {
      start[slot] = windowStart;
      n[slot] = requests;
      denied[slot] = refused;
    } else {
      return LATE;
    }
    return slot;
  }

  int ringOf(int slot) {
    for (int r = ringOffset.length - 1; r >= 0; r--) {
      if (slot >= ringOffset[r]) {
        return r;
      }
    }
    throw new IllegalArgumentException("slot " + slot);
  }

  long start(int slot) {
    return start[slot];
  }

  long count(int slot) {
    return n[slot];
  }

  long denied(int slot) {
    return denied[slot];
  }

  /** The newest window start of {@code ring}, or Long.MIN_VALUE if it is empty. */
  long newest(int ring) {
    long best = Long.MIN_VALUE;
    for (int i = ringOffset[ring]; i < ringOffset[ring] + ringSizes[ring]; i++) {
      best = Math.max(best, start[i]);
    }
    return best;
  }

  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(1 + start.length * 24);
    b.put((byte) start.length);
    for (int i = 0; i < start.length; i++) {
      b.putLong(start[i]).putLong(n[i]).putLong(denied[i]);
    }
    return b.array();
  }

  /**
   * Fills this state from {@code bytes} (an earlier {@link #encode}). A state of two rings stored with
   * another number of slots in its first ring (the last ring the same: a prefix entry written before
   * prefixes kept more seconds, or {@code secondWindows} changed) has its windows added again into this
   * shape; any other shape mismatch is an error.
   */
  WindowState decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int slots = b.get() & 0xFF;
    if (bytes.length != 1 + slots * 24) {
      throw new IllegalStateException("stored window state of " + bytes.length + " bytes does not hold the " + slots
          + " slots it names");
    }
    if (slots == start.length) {
      for (int i = 0; i < slots; i++) {
        start[i] = b.getLong();
        n[i] = b.getLong();
        denied[i] = b.getLong();
      }
      return this;
    }
    int storedFirst = slots - (ringSizes.length == 2 ? ringSizes[1] : 0);
    if (ringSizes.length != 2 || storedFirst < 1) {
      throw new IllegalStateException("stored window state has " + slots + " slots, expected " + start.length);
    }
    for (int i = 0; i < slots; i++) {
      long s = b.getLong();
      long requests = b.getLong();
      long refused = b.getLong();
      if (s != Long.MIN_VALUE) {
        add(i < storedFirst ? 0 : 1, s, requests, refused);
      }
    }
    return this;
  }
}
