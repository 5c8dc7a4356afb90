package dev.portcullis.aggregator.topology;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by every task of one worker. Thread-safe. */
public final class AggregatorMetrics {

  final LongAdder records = new LongAdder();
  final LongAdder requests = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
  final LongAdder lateRecords = new LongAdder();
  /** Late windows by the kind of entry that missed them ({@link StoreKey.Kind#ordinal()}) and its ring (0 or 1). */
  private final LongAdder[][] lateWindows = new LongAdder[StoreKey.Kind.values().length][2];
  final LongAdder flushes = new LongAdder();
  final LongAdder flushFailures = new LongAdder();
  final LongAdder redisCommands = new LongAdder();
  final LongAdder windowWrites = new LongAdder();
  final LongAdder prefixesCountedLocally = new LongAdder();
  /** Windows overwritten in their ring before they were written, beyond what is kept for the next flush. */
  final LongAdder overwrittenLost = new LongAdder();
  /** Of {@link #overwrittenLost}, the minute windows. */
  final LongAdder overwrittenLostMinutes = new LongAdder();
  final LongAdder recordsSentHome = new LongAdder();
  final LongAdder nodesNotCounted = new LongAdder();
  final LongAdder storeRewrites = new LongAdder();
  final LongAdder sweptEntries = new LongAdder();
  final LongAdder sweepPasses = new LongAdder();
  private final LongAccumulator longestSweepMicros = new LongAccumulator(Math::max, 0);
  volatile long pendingEntries;
  private final long[] latencies = new long[1024];
  private int latencyIndex;
  private int latencyCount;
  private volatile boolean redisHealthy = true;
  private volatile String lastRedisError = "";

  public AggregatorMetrics() {
    for (LongAdder[] rings : lateWindows) {
      Arrays.setAll(rings, i -> new LongAdder());
    }
  }

  public long records() {
    return records.sum();
  }

  public long requests() {
    return requests.sum();
  }

  public long deadLettered() {
    return deadLettered.sum();
  }

  /** Records not counted at all: their address's minute had closed (a caller's daily quota still counts them). */
  public long lateRecords() {
    return lateRecords.sum();
  }

  /**
   * Windows a record was not counted into, one each: a record adds to several (its address's second and
   * minute, the app's total and its node's, its prefixes' and its wide prefixes' shares), and a window is late
   * when its minute has closed or its ring has moved past it (a second older than the ring keeps, as a
   * backlog's wide-prefix shares reaching their home task may be) while the record's other windows count.
   */
  public long lateWindows() {
    long sum = 0;
    for (LongAdder[] rings : lateWindows) {
      for (LongAdder a : rings) {
        sum += a.sum();
      }
    }
    return sum;
  }

  /**
   * {@link #lateWindows()} by the kind of entry that missed them and the window: kinds in lower case
   * ({@code address}, {@code prefix}: a prefix summed in its home task, {@code total}, {@code node},
   * {@code prefix_share}: a task's own share of a wide prefix, {@code held_prefix}: that share held to be sent
   * home, and the quota kinds), each with its windows ({@code second} and {@code minute}, {@code second} alone
   * for a held prefix share, {@code day} for the quota kinds); every kind present, in a fixed order.
   */
  public Map<String, Map<String, Long>> lateWindowsByKind() {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    for (StoreKey.Kind k : StoreKey.Kind.values()) {
      Map<String, Long> windows = new LinkedHashMap<>();
      for (int ring = 0; ring < rings(k); ring++) {
        windows.put(windowName(k, ring), lateWindows[k.ordinal()][ring].sum());
      }
      out.put(k.name().toLowerCase(Locale.ROOT), windows);
    }
    return out;
  }

  private static int rings(StoreKey.Kind kind) {
    return kind.daily() || kind == StoreKey.Kind.HELD_PREFIX ? 1 : 2;
  }

  private static String windowName(StoreKey.Kind kind, int ring) {
    return kind.daily() ? "day" : ring == 0 ? "second" : "minute";
  }

  /** One window of {@code ring} (0: the second, or a quota's day; 1: the minute) of a {@code kind} entry missed. */
  void lateWindow(StoreKey.Kind kind, int ring) {
    lateWindows[kind.ordinal()][ring].increment();
  }

  public long flushes() {
    return flushes.sum();
  }

  public long flushFailures() {
    return flushFailures.sum();
  }

  public long redisCommands() {
    return redisCommands.sum();
  }

  public long windowWrites() {
    return windowWrites.sum();
  }

  /**
   * Windows a backlog or a Redis outage overwrote before they were written, beyond the store's share of its worker's
   * cache budget waiting to be written: lost to Redis.
   */
  public long overwrittenLost() {
    return overwrittenLost.sum();
  }

  /** Of {@link #overwrittenLost()}, the minute windows (the rest are seconds, and held shares: a wide prefix's seconds, a caller's days). */
  public long overwrittenLostMinutes() {
    return overwrittenLostMinutes.sum();
  }

  /** Records whose prefix was counted in the task they arrived at (no pass through the rekeyed topic). */
  public long prefixesCountedLocally() {
    return prefixesCountedLocally.sum();
  }

  /**
   * Records that arrived at another partition than their address's home (a producer without the
   * Portcullis partitioner) and were sent on to it through the rekeyed topic.
   */
  public long recordsSentHome() {
    return recordsSentHome.sum();
  }

  /** Records whose node got no per-node window (a task counts at most AccessProcessor.MAX_NODES nodes). */
  public long nodesNotCounted() {
    return nodesNotCounted.sum();
  }

  /** Times a task finished rewriting every retained window to Redis (at start, after a failed flush, after a failover). */
  public long storeRewrites() {
    return storeRewrites.sum();
  }

  /** Store entries the sweep examined (every retained entry once a pass). */
  public long sweptEntries() {
    return sweptEntries.sum();
  }

  /** Passes of the sweep over a task's whole store that were completed. */
  public long sweepPasses() {
    return sweepPasses.sum();
  }

  /** The longest the sweep held a stream thread in one call, in microseconds (0 before the first). */
  public long longestSweepMicros() {
    return longestSweepMicros.get();
  }

  void swept(long micros) {
    longestSweepMicros.accumulate(micros);
  }

  /** Store entries with windows not yet written to Redis, as of the last flush of a task (one task's view). */
  public long pendingEntries() {
    return pendingEntries;
  }

  public boolean redisHealthy() {
    return redisHealthy;
  }

  public String lastRedisError() {
    return lastRedisError;
  }

  void redis(boolean healthy, String error) {
    this.redisHealthy = healthy;
    if (error != null) {
      this.lastRedisError = error;
    }
  }

  synchronized void flushLatency(long micros) {
    latencies[latencyIndex] = micros;
    latencyIndex = (latencyIndex + 1) % latencies.length;
    latencyCount = Math.min(latencyCount + 1, latencies.length);
  }

  /** A percentile (0-100) of the last 1024 flush latencies, in microseconds; -1 before the first flush. */
  public synchronized long flushLatencyPercentile(double p) {
    if (latencyCount == 0) {
      return -1;
    }
    long[] copy = Arrays.copyOf(latencies, latencyCount);
    Arrays.sort(copy);
    return copy[(int) Math.min(copy.length - 1, Math.ceil(p / 100.0 * copy.length) - 1)];
  }
}
