package dev.portcullis.aggregator.flush;

/**
 * One absolute count to write: member {@code member} of the sorted set {@code key} has score
 * {@code count}; the key lives {@code ttlSeconds} and keeps at most its {@code keep} highest members
 * (0: all).
 */
public record WindowWrite(String key, String member, long count, long ttlSeconds, int keep) {

  /** A write to a key that keeps all its members (few by construction: tasks, nodes). */
  public WindowWrite(String key, String member, long count, long ttlSeconds) {
    this(key, member, count, ttlSeconds, 0);
  }
}
