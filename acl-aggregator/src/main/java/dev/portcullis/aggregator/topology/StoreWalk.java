package dev.portcullis.aggregator.topology;

import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * A walk over a store's entries in key order, a slice at a time, so that no call holds a stream thread for
 * the whole store: each slice goes on from the key after the last one the slice before read, and after the
 * store's last key the walk starts again at its first. A slice is read first and the walk moves on only
 * when told ({@link #advance}), so a slice whose work fails can be read again. Not thread-safe.
 */
final class StoreWalk {

  /** The least key the next slice may hold; null: the store's first. */
  private String from;
  /** Where the walk goes on once the last slice read is done. */
  private String next;

  /**
   * Hands {@code each} up to {@code max} entries of the iterator {@code open} gives from {@link #from()} on
   * (every entry from the first if null), and returns how many.
   */
  long slice(Function<String, KeyValueIterator<String, byte[]>> open, long max, Consumer<KeyValue<String, byte[]>> each) {
    String last = null;
    long read = 0;
    try (KeyValueIterator<String, byte[]> it = open.apply(from)) {
      while (read < max && it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        last = kv.key;
        read++;
        each.accept(kv);
      }
      next = last == null || !it.hasNext() ? null : last + '\0'; // the least key after the last one read
    }
    return read;
  }

  /** Moves on past the last slice read; after the store's last key, back to its first. */
  void advance() {
    from = next;
  }

  /** Back to the store's first key. */
  void restart() {
    from = null;
    next = null;
  }

  /** Whether the next slice begins at the store's first key (a pass has ended, or none has begun). */
  boolean atStart() {
    return from == null;
  }

  /** The least key the next slice may hold; null: the store's first. */
  String from() {
    return from;
  }
}
