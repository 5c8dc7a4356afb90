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

  /** First byte of the compact encoding; the older fixed one starts with its slot count (at most 120). */
  private static final byte COMPACT = (byte) 0xC1;

  /**
   * The compact encoding: {@code 0xC1}, the slot count and the number of slots in use (varints), then
   * per slot in use its index, its window start (zig-zag) and its two counts (varints). A fresh address
   * (two windows in use) takes about 20 bytes, where the fixed encoding took 1 + 24 per slot (169 for 7
   * slots, mostly empty): less to encode, to write to the store and to send to the changelog per change.
   */
  byte[] encode() {
    int used = 0;
    int size = 1 + varintSize(start.length);
    for (int i = 0; i < start.length; i++) {
      if (start[i] != Long.MIN_VALUE) {
        used++;
        size += varintSize(i) + varintSize(zigzag(start[i])) + varintSize(n[i]) + varintSize(denied[i]);
      }
    }
    size += varintSize(used);
    byte[] out = new byte[size];
    out[0] = COMPACT;
    int p = putVarint(out, 1, start.length);
    p = putVarint(out, p, used);
    for (int i = 0; i < start.length; i++) {
      if (start[i] != Long.MIN_VALUE) {
        p = putVarint(out, p, i);
        p = putVarint(out, p, zigzag(start[i]));
        p = putVarint(out, p, n[i]);
        p = putVarint(out, p, denied[i]);
      }
    }
    return out;
  }

  /**
   * Fills this fresh state from {@code bytes}: an earlier {@link #encode}, or the fixed encoding of
   * earlier versions (a store or changelog written before is read as it is). A state of two rings stored
   * with another number of slots in its first ring (the last ring the same: a prefix entry written before
   * prefixes kept more seconds, or {@code secondWindows} changed) has its windows added again into this
   * shape; any other shape mismatch, or bytes that are not a state, is an error that says so.
   */
  WindowState decode(byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == COMPACT) {
      return decodeCompact(bytes);
    }
    if (bytes.length == 0) {
      throw new IllegalStateException("stored window state is empty");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int slots = b.get() & 0xFF;
    if (bytes.length != 1 + slots * 24) {
      throw new IllegalStateException("stored window state of " + bytes.length + " bytes does not hold the " + slots
          + " slots it names");
    }
    int storedFirst = checkShape(slots);
    for (int i = 0; i < slots; i++) {
      put(i, slots, storedFirst, b.getLong(), b.getLong(), b.getLong());
    }
    return this;
  }

  private WindowState decodeCompact(byte[] bytes) {
    int[] pos = {1};
    try {
      int slots = (int) readVarint(bytes, pos);
      long used = readVarint(bytes, pos);
      int storedFirst = checkShape(slots);
      int last = -1;
      for (long k = 0; k < used; k++) {
        int i = (int) readVarint(bytes, pos);
        if (i <= last || i >= slots) {
          throw new IllegalStateException("stored window state names slot " + i + " after slot " + last + " of " + slots);
        }
        last = i;
        long s = unzigzag(readVarint(bytes, pos));
        put(i, slots, storedFirst, s, readVarint(bytes, pos), readVarint(bytes, pos));
      }
      if (pos[0] != bytes.length) {
        throw new IllegalStateException("stored window state has " + (bytes.length - pos[0]) + " bytes after its slots");
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalStateException("stored window state of " + bytes.length + " bytes ends inside a slot");
    }
    return this;
  }

  /** -1 if a state of {@code slots} slots has this shape, else its first ring's size (then windows are added again). */
  private int checkShape(int slots) {
    if (slots == start.length) {
      return -1;
    }
    int storedFirst = slots - (ringSizes.length == 2 ? ringSizes[1] : 0);
    if (ringSizes.length != 2 || storedFirst < 1) {
      throw new IllegalStateException("stored window state has " + slots + " slots, expected " + start.length);
    }
    return storedFirst;
  }

  private void put(int slot, int slots, int storedFirst, long windowStart, long requests, long refused) {
    if (storedFirst < 0) {
      start[slot] = windowStart;
      n[slot] = requests;
      denied[slot] = refused;
    } else if (windowStart != Long.MIN_VALUE) {
      add(slot < storedFirst ? 0 : 1, windowStart, requests, refused);
    }
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static int varintSize(long v) {
    int size = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      size++;
    }
    return size;
  }

  private static int putVarint(byte[] out, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      out[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[p++] = (byte) v;
    return p;
  }

  private static long readVarint(byte[] in, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in[pos[0]++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new IllegalStateException("stored window state has a number longer than 10 bytes");
  }
}
