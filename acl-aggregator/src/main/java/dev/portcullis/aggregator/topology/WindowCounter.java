package dev.portcullis.aggregator.topology;

import dev.portcullis.address.IpAddress;
import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import dev.portcullis.aggregator.flush.WindowWrite;
import dev.portcullis.keys.RedisKeys;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counting into one store of {@link WindowState} entries, remembering which windows changed, and
 * flushing them as absolute counts. Shared by the processors of the topology; each task has its
 * own instance over its own store. Not thread-safe: one stream thread owns a task.
 */
final class WindowCounter {

  private static final Logger LOG = LoggerFactory.getLogger(WindowCounter.class);
  private static final long SECOND_TTL = 120;
  private static final long MINUTE_TTL = 7200;
  private static final long DAY_TTL = 2 * 86400 + 3600;

  private final AggregatorSettings settings;
  private final WindowSink sink;
  private final AggregatorMetrics metrics;
  private final RedisKeys keys;
  private final Map<String, Long> dirty = new HashMap<>();
  private KeyValueStore<String, byte[]> store;
  private long retryAt;
  private long backoffMillis;

  WindowCounter(AggregatorSettings settings, WindowSink sink, AggregatorMetrics metrics) {
    this.settings = settings;
    this.sink = sink;
    this.metrics = metrics;
    this.keys = new RedisKeys(settings.shards());
  }

  /** Binds the task's store and marks every retained window changed, so the first flush rewrites it. */
  void init(KeyValueStore<String, byte[]> taskStore) {
    this.store = taskStore;
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        dirty.put(kv.key, -1L);
      }
    }
  }

  static final int ADDRESS = 0;
  static final int QUOTA = 1;

  private WindowState newState(int kind) {
    return kind == ADDRESS ? new WindowState(settings.secondWindows(), settings.minuteWindows()) : new WindowState(3);
  }

  void update(String key, int kind, long[] windowStarts, long n, long denied) {
    byte[] stored = store.get(key);
    WindowState st = newState(kind);
    if (stored != null) {
      st.decode(stored);
    }
    long mask = 0;
    for (int ring = 0; ring < windowStarts.length; ring++) {
      int slot = st.add(ring, windowStarts[ring], n, denied);
      if (slot == WindowState.LATE) {
        metrics.late.increment();
      } else {
        mask |= 1L << slot;
      }
    }
    if (mask != 0) {
      store.put(key, st.encode());
      dirty.merge(key, mask, (a, b) -> a | b);
    }
  }

  /** Writes every changed window; keeps them marked if the sink fails. */
  void flush(long wallClockMillis) {
    if (dirty.isEmpty() || wallClockMillis < retryAt) {
      return;
    }
    long started = System.nanoTime();
    List<WindowWrite> batch = new ArrayList<>();
    long nowSec = wallClockMillis / 1000;
    for (Map.Entry<String, Long> d : dirty.entrySet()) {
      byte[] stored = store.get(d.getKey());
      if (stored != null) {
        writesFor(d.getKey(), stored, d.getValue(), nowSec, batch);
      }
    }
    try {
      int commands = sink.write(batch);
      metrics.redisCommands.add(commands);
      metrics.windowWrites.add(batch.size());
      metrics.flushes.increment();
      metrics.flushLatency((System.nanoTime() - started) / 1000);
      metrics.redis(true, null);
      dirty.clear();
      backoffMillis = 0;
      retryAt = 0;
    } catch (RuntimeException e) {
      metrics.flushFailures.increment();
      metrics.redis(false, e.toString());
      backoffMillis = backoffMillis == 0 ? settings.flushInterval().toMillis() : Math.min(5_000, backoffMillis * 2);
      retryAt = wallClockMillis + backoffMillis;
      LOG.warn("flush of {} window writes failed; keeping them and retrying in {} ms: {}", batch.size(), backoffMillis,
          e.toString());
    }
  }

  private void writesFor(String storeKey, byte[] stored, long mask, long nowSec, List<WindowWrite> out) {
    String[] parts = storeKey.split("\\|", 3);
    String kind = parts[0];
    String app = parts[1];
    String member = parts[2];
    WindowState st = newState(kind.equals("q") ? QUOTA : ADDRESS).decode(stored);
    for (int slot = 0; slot < st.slots(); slot++) {
      if ((mask & (1L << slot)) == 0 || st.start(slot) == Long.MIN_VALUE) {
        continue;
      }
      long start = st.start(slot);
      long count = st.count(slot);
      switch (kind) {
        case "s", "p", "t" -> {
          boolean second = st.ringOf(slot) == 0;
          if (second ? start < nowSec - SECOND_TTL : start * 60 < nowSec - MINUTE_TTL) {
            continue; // its Redis key has expired anyway
          }
          String key;
          if (kind.equals("t")) {
            key = second ? keys.totalSecondWindow(app, start) : keys.totalMinuteWindow(app, start);
          } else {
            int shard = kind.equals("s") ? keys.shard(IpAddress.parse(member)) : keys.shard(member);
            key = kind.equals("s")
                ? (second ? keys.secondWindow(app, shard, start) : keys.minuteWindow(app, shard, start))
                : (second ? keys.prefixSecondWindow(app, shard, start) : keys.prefixMinuteWindow(app, shard, start));
          }
          out.add(new WindowWrite(key, member, count, second ? SECOND_TTL : MINUTE_TTL));
        }
        case "q" -> {
          int shard = keys.shard(member);
          LocalDate day = LocalDate.ofEpochDay(start);
          out.add(new WindowWrite(keys.quotaDay(app, shard, RedisKeys.yyyymmdd(day)), member, count, DAY_TTL));
        }
        default -> LOG.warn("unknown store key kind in {}", storeKey);
      }
    }
  }

  /** Deletes entries whose newest window is past every retention, so the store does not grow forever. */
  void sweep(long wallClockMillis) {
    long nowMin = wallClockMillis / 60_000;
    long oldDay = Instant.ofEpochMilli(wallClockMillis).atZone(settings.quotaZone()).toLocalDate().minusDays(2).toEpochDay();
    List<String> stale = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        boolean quota = kv.key.startsWith("q|");
        WindowState st = newState(quota ? QUOTA : ADDRESS).decode(kv.value);
        boolean old = quota ? st.newest(0) < oldDay : st.newest(1) < nowMin - settings.minuteWindows() - 1;
        if (old && !dirty.containsKey(kv.key)) {
          stale.add(kv.key);
        }
      }
    }
    stale.forEach(store::delete);
  }
}
