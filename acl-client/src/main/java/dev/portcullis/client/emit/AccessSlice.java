package dev.portcullis.client.emit;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The accesses drained since the emitter last sent, counted per (slice, address, interface, caller):
 * requests and refusals. The slice is the one each request was decided in (its own time, aligned to
 * the slice length), not the one it was drained in (the emitter chooses it: see {@link CoalescingEmitter}).
 * Bounded: an access that would need a key beyond {@code maxKeys} is refused, for the
 * caller to count. The emitter thread's alone; not thread-safe.
 */
final class AccessSlice {

  /** One record's key; {@code v4} is negative for IPv6, whose bits are {@code hi}/{@code lo}. */
  record Key(long slice, long v4, long hi, long lo, String iface, String caller) {}

  private final int maxKeys;
  private final Map<Key, long[]> counts = new HashMap<>();

  AccessSlice(int maxKeys) {
    this.maxKeys = maxKeys;
  }

  /** Counts one access of the slice starting at {@code slice}; false iff it needed a new key and the map is full. */
  boolean add(long slice, long v4, long hi, long lo, String iface, String caller, boolean denied) {
    Key k = new Key(slice, v4, hi, lo, iface, caller);
    long[] c = counts.get(k);
    if (c == null) {
      if (counts.size() >= maxKeys) {
        return false;
      }
      c = new long[2];
      counts.put(k, c);
    }
    c[0]++;
    if (denied) {
      c[1]++;
    }
    return true;
  }

  boolean isEmpty() {
    return counts.isEmpty();
  }

  /** Each key with its {requests, refused}. */
  Set<Map.Entry<Key, long[]>> entries() {
    return counts.entrySet();
  }

  /** The accesses counted in the slice. */
  long accesses() {
    long n = 0;
    for (long[] c : counts.values()) {
      n += c[0];
    }
    return n;
  }

  void clear() {
    counts.clear();
  }
}
