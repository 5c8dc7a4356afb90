package dev.portcullis.notifier.scan;

import java.util.List;
import java.util.Map;

/**
 * The counted windows as the notifier reads them: members above a threshold (what the scanner
 * judges), the top members (what the dashboard shows) and an app's totals. In production
 * {@link RedisWindowReader}; implementations are thread-safe.
 */
public interface WindowReader {

  /**
   * Which windows; a {@code QUOTA_DAY} window starts at a day written yyyymmdd, and so does a
   * {@code QUOTA_HOURS} window, whose members are {@code caller|iface|HH} (the hour since local midnight).
   */
  enum Kind { SECOND, MINUTE, PREFIX_SECOND, PREFIX_MINUTE, QUOTA_DAY, QUOTA_HOURS }

  /** A member and its count. */
  record Count(String member, long count) {}

  /** Members of the window with a count strictly above {@code threshold}, in any order. */
  List<Count> above(String app, Kind kind, long windowStart, long threshold);

  /**
   * {@link #above} for every window starting in {@code fromStart..toStart} (inclusive), by window start;
   * windows without such members are left out. One round trip where the implementation can batch them.
   */
  default Map<Long, List<Count>> above(String app, Kind kind, long fromStart, long toStart, long threshold) {
    Map<Long, List<Count>> out = new java.util.TreeMap<>();
    for (long w = fromStart; w <= toStart; w++) {
      List<Count> found = above(app, kind, w, threshold);
      if (!found.isEmpty()) {
        out.put(w, found);
      }
    }
    return out;
  }

  /** The {@code n} members with the highest counts in the window, highest first (ties by member). */
  List<Count> top(String app, Kind kind, long windowStart, int n);

  /** The count of one member in one window; 0 if it has none. */
  long count(String app, Kind kind, long windowStart, String member);

  /**
   * The counts of {@code members[i]} in the window starting at {@code windowStarts[i]}, for every i (0 for
   * none): one round trip where the implementation can batch them.
   */
  default long[] counts(String app, Kind kind, long[] windowStarts, String[] members) {
    long[] out = new long[members.length];
    for (int i = 0; i < members.length; i++) {
      out[i] = count(app, kind, windowStarts[i], members[i]);
    }
    return out;
  }

  /**
   * The app's wide prefixes (wider than the aggregators' partitioning block) in one second, summed over
   * the worker tasks' shares of them, those whose sum is strictly above {@code threshold}: the prefix's
   * second a flush after its requests, where its own window has them an aggregator commit later.
   */
  Map<String, Long> prefixSharesAbove(String app, long second, long threshold);

  /** Requests of the whole app per second for {@code fromSec..toSec} (inclusive), oldest first. */
  Map<Long, Long> totalsPerSecond(String app, long fromSec, long toSec);

  /**
   * Requests of each reporting node of the app (the records' {@code node}) per window, seconds or
   * minutes {@code from..to} inclusive, summed over the aggregator tasks that counted them; windows
   * without any are left out.
   */
  Map<Long, Map<String, Long>> perNode(String app, boolean seconds, long from, long to);
}
