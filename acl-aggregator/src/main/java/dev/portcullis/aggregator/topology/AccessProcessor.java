package dev.portcullis.aggregator.topology;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import dev.portcullis.aggregator.flush.WindowWrite;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.keys.RedisKeys;
import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts access events into per-key windows and flushes changed windows to a {@link WindowSink}.
 *
 * <p>Four kinds of key share one store, each with one entry holding all its windows:
 * {@code s|app|ip} (1 s and 1 min windows of one address), {@code p|app|prefix} (the same for the
 * address's /24 or /64), {@code t|app|task} (the app's total as counted by this task, for rate
 * charts) and {@code q|app|caller|iface} (daily totals for quotas). A record costs
 * one read and one write per kind. Which windows changed since the last flush is kept in memory;
 * after a restart every retained window is marked changed, so the first flush rewrites them all.
 * That is harmless because a flush writes absolute counts, and it is what makes a crash lose
 * nothing: exactly-once processing restores the store to the last commit and replays the rest.
 *
 * <p>A record that does not parse, or whose key does not match its content, goes to the dead-letter
 * topic with the reason in header {@code portcullis.error}, is counted, and never stops the task.
 * A flush that fails (Redis down or slow) keeps everything marked, backs off up to 5 s, and tries
 * again; counting goes on meanwhile.
 */
public final class AccessProcessor implements Processor<String, byte[], String, byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(AccessProcessor.class);

  static final String DLQ_SINK = "dlq";
  public static final String ERROR_HEADER = "portcullis.error";
  private static final long SECOND_TTL = 120;
  private static final long MINUTE_TTL = 7200;
  private static final long DAY_TTL = 2 * 86400 + 3600;

  private final AggregatorSettings settings;
  private final WindowSink sink;
  private final AggregatorMetrics metrics;
  private final RedisKeys keys;
  private final WireCodec codec = new WireCodec();
  private final Map<String, Long> dirty = new HashMap<>();
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> store;
  private long retryAt;
  private long backoffMillis;

  public AccessProcessor(AggregatorSettings settings, WindowSink sink, AggregatorMetrics metrics) {
    this.settings = settings;
    this.sink = sink;
    this.metrics = metrics;
    this.keys = new RedisKeys(settings.shards());
  }

  @Override
  public void init(ProcessorContext<String, byte[]> ctx) {
    this.context = ctx;
    this.store = ctx.getStateStore(AggregatorTopology.STORE);
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        dirty.put(kv.key, -1L); // every slot: rewrite what is retained
      }
    }
    ctx.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, this::flush);
    ctx.schedule(Duration.ofSeconds(60), PunctuationType.WALL_CLOCK_TIME, this::sweep);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    AccessEvent e;
    try {
      e = codec.readAccessEvent(record.value(), "acl.access");
      String expected = KafkaKeys.access(e.app(), e.ip());
      if (!expected.equals(record.key())) {
        throw new IllegalArgumentException("record key \"" + record.key() + "\" does not match its content (" + expected + ")");
      }
    } catch (IllegalArgumentException bad) {
      deadLetter(record, bad.getMessage());
      return;
    }
    metrics.records.increment();
    metrics.requests.add(e.n());
    long sec = Math.floorDiv(e.ts(), 1000L);
    long min = Math.floorDiv(e.ts(), 60_000L);
    update("s|" + e.app() + "|" + e.ip(), ADDRESS, new long[] {sec, min}, e.n(), e.denied());
    IpAddress ip = e.ip();
    Cidr prefix = Cidr.covering(ip, ip.isV4() ? settings.ipv4Prefix() : settings.ipv6Prefix());
    update("p|" + e.app() + "|" + prefix, ADDRESS, new long[] {sec, min}, e.n(), e.denied());
    update("t|" + e.app() + "|" + context.taskId(), ADDRESS, new long[] {sec, min}, e.n(), e.denied());
    if (e.caller() != null) {
      long epochDay = Instant.ofEpochMilli(e.ts()).atZone(settings.quotaZone()).toLocalDate().toEpochDay();
      update("q|" + e.app() + "|" + e.caller() + "|" + e.iface(), QUOTA, new long[] {epochDay}, e.n(), e.denied());
    }
  }

  private static final int ADDRESS = 0;
  private static final int QUOTA = 1;

  private WindowState newState(int kind) {
    return kind == ADDRESS ? new WindowState(settings.secondWindows(), settings.minuteWindows()) : new WindowState(3);
  }

  private void update(String key, int kind, long[] windowStarts, long n, long denied) {
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

  private void deadLetter(Record<String, byte[]> record, String reason) {
    metrics.deadLettered.increment();
    RecordHeaders h = new RecordHeaders();
    record.headers().forEach(h::add);
    h.add(ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    context.forward(new Record<>(record.key(), record.value(), record.timestamp(), h), DLQ_SINK);
    LOG.debug("dead-lettered a record: {}", reason);
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
          int yyyymmdd = day.getYear() * 10_000 + day.getMonthValue() * 100 + day.getDayOfMonth();
          out.add(new WindowWrite(keys.quotaDay(app, shard, yyyymmdd), member, count, DAY_TTL));
        }
        default -> LOG.warn("unknown store key kind in {}", storeKey);
      }
    }
  }

  /** Deletes entries whose newest window is past every retention, so the store does not grow forever. */
  private void sweep(long wallClockMillis) {
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
