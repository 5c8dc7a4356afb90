package dev.portcullis.aggregator.topology;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts access events into per-key windows and flushes changed windows to a {@link WindowSink}.
 *
 * <p>Two kinds of key share one store, each with one entry holding all its windows:
 * {@code s|app|ip} (1 s and 1 min windows of one address) and {@code t|app|task} (the app's total as
 * counted by this task, for rate charts). Counting a record is a cache lookup and a few additions per
 * key ({@link WriteBackStore}).
 *
 * <p>Every count is made in one task, its key's home. An address's home is the partition the
 * clients' partitioner sends it to ({@link KafkaKeys#accessPartition}: app and /24 or /64 block). A
 * record that arrived elsewhere (a producer with another partitioner) is sent on whole to its home
 * through the rekeyed topic, which this processor also reads, so an address is counted in one task
 * whatever mix of producers sends it. Prefix windows ({@link RekeyedProcessor}) have the home of the
 * prefix's network: the same partition for a prefix as long as the partitioning block, so a record at
 * its address's home is handed to the child processor directly; for a wider prefix it may go through
 * the rekeyed topic. A caller's daily quota total needs every address the caller calls from, so it is
 * always summed elsewhere, but this task first sums its share per (caller, interface, day) in its
 * store ({@code u|app|caller|iface}) and sends it on once per flush interval: a busy caller costs one
 * rekeyed record per task and interval, not one per record.
 *
 * <p>Which windows changed since the last flush is kept in memory; after a restart every retained
 * window is written again, a slice of the store a flush. That is harmless because a flush
 * writes absolute counts, and it is what makes a crash lose nothing: exactly-once processing restores
 * the store (held quota shares included) to the last commit and replays the rest.
 *
 * <p>A record that does not parse, or whose key does not match its content, goes to the dead-letter
 * topic with the reason in header {@code portcullis.error}, is counted, and never stops the task.
 * A flush that fails (Redis down or slow) keeps everything marked, backs off up to 5 s, and tries
 * again; counting goes on meanwhile.
 */
public final class AccessProcessor implements Processor<String, byte[], String, byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(AccessProcessor.class);

  static final String DLQ_SINK = "dlq";
  static final String REKEYED_SINK = "rekeyed-out";
  static final String REKEYED_LOCAL = "aggregate-rekeyed";
  public static final String ERROR_HEADER = "portcullis.error";

  private final AggregatorSettings settings;
  private final int partitions;
  private final int[] v4Lengths;
  private final int[] v6Lengths;
  private final long[] heldSecond = new long[1]; // the one window of a wide prefix's held share, reused per record
  private final String rekeyedTopic;
  private final Map<String, String> totalKeys = new HashMap<>();
  /** The most nodes one task counts per-node windows for (over every app). */
  static final int MAX_NODES = 10_000;
  private final Map<String, String> nodeKeys = new HashMap<>();
  private long day;
  private long dayStartMillis = Long.MAX_VALUE;
  private long dayEndMillis = Long.MIN_VALUE;
  private final AggregatorMetrics metrics;
  private final WindowCounter counter;
  private final WireCodec codec = new WireCodec();
  private ProcessorContext<String, byte[]> context;

  /** @param partitions the partition count of {@code acl.access} */
  public AccessProcessor(AggregatorSettings settings, int partitions, WindowSink sink, AggregatorMetrics metrics) {
    this.settings = settings;
    this.partitions = partitions;
    this.v4Lengths = settings.prefixes().ipv4().stream().mapToInt(Integer::intValue).toArray();
    this.v6Lengths = settings.prefixes().ipv6().stream().mapToInt(Integer::intValue).toArray();
    this.rekeyedTopic = AggregatorTopology.rekeyedTopic(settings);
    this.metrics = metrics;
    this.counter = new WindowCounter(settings, sink, metrics);
  }

  @Override
  public void init(ProcessorContext<String, byte[]> ctx) {
    this.context = ctx;
    counter.init(WriteBackStore.under(ctx.getStateStore(AggregatorTopology.STORE)), ctx.currentSystemTimeMs());
    ctx.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, counter::flush);
    ctx.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, now -> counter.drainHeld(this::sendHeld));
    ctx.schedule(WindowCounter.SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, counter::sweep);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata where = context.recordMetadata().orElse(null);
    int partition = where == null ? -1 : where.partition();
    boolean sentHome = where != null && where.topic().equals(rekeyedTopic);
    if (sentHome && RekeyedProcessor.isCount(record.value())) {
      return; // a prefix or quota count, for RekeyedProcessor
    }
    AccessEvent e;
    String key;
    try {
      e = codec.readAccessEvent(record.value(), "acl.access");
      key = KafkaKeys.access(e.app(), e.ip());
      if (!key.equals(record.key())) {
        throw new IllegalArgumentException("record key \"" + record.key() + "\" does not match its content (" + key + ")");
      }
    } catch (IllegalArgumentException bad) {
      deadLetter(record, bad.getMessage());
      return;
    }
    IpAddress ip = e.ip();
    int addressHome = KafkaKeys.accessPartition(e.app(), ip, partitions);
    if (!sentHome) {
      metrics.records.increment();
      metrics.requests.add(e.n());
      if (partition != addressHome) {
        // sent by a producer with another partitioner: counted in its address's home task, as the
        // address's other records may be (its home is where the Portcullis partitioner sends them)
        metrics.recordsSentHome.increment();
        context.forward(record, REKEYED_SINK);
        return;
      }
    }
    long sec = Math.floorDiv(e.ts(), 1000L);
    long min = Math.floorDiv(e.ts(), 60_000L);
    long[] windows = {sec, min};
    if (!counter.update(StoreKey.Kind.ADDRESS, StoreKey.Kind.ADDRESS.key(key), windows, e.n(), e.denied())) {
      metrics.lateRecords.increment(); // its other windows are of the same minute: late too, and counted as such
    }
    counter.update(StoreKey.Kind.TOTAL, totalKey(e.app()), windows, e.n(), e.denied());
    String node = e.node() == null ? null : nodeKey(e.app(), e.node());
    if (node != null) {
      counter.update(StoreKey.Kind.NODE, node, windows, e.n(), e.denied());
    }
    countPrefixes(e, ip, addressHome, partition, record.timestamp(), windows);
    if (e.caller() != null) {
      // one caller calls from many addresses, whose records are on many partitions: the sum is made
      // elsewhere; this task sums its share per day and sends it on once per flush interval
      String quota = KafkaKeys.rekeyedQuota(e.app(), e.caller(), e.iface());
      long[] day = {quotaDay(e.ts())};
      counter.hold(StoreKey.Kind.HELD_QUOTA, quota, day, e.n(), e.denied());
      counter.hold(StoreKey.Kind.HELD_QUOTA_HOUR, quota + '|' + hourOfDay(e.ts()), day, e.n(), e.denied());
    }
  }

  /**
   * Adds the request to one prefix of each counted length. A prefix inside the partitioning block has
   * its addresses' home, so it is counted here; a wider one (a /16, an IPv6 /48: its addresses are on
   * every partition) is held as this task's share per second and sent on to its network's home once
   * per flush interval ({@link #sendHeld}), so a rotation over 65,536 /64s costs one record per
   * prefix and interval on the rekeyed topic, not one per request. That share reaches the home a
   * commit later, so this task also counts its own share of the wide prefix ({@link StoreKey.Kind#PREFIX_SHARE}),
   * flushed with the addresses, which the scanner sums to judge the prefix as soon as an address.
   */
  private void countPrefixes(AccessEvent e, IpAddress ip, int addressHome, int partition, long timestamp, long[] windows) {
    boolean v4 = ip.isV4();
    int block = v4 ? KafkaKeys.ACCESS_PARTITION_V4_BLOCK : KafkaKeys.ACCESS_PARTITION_V6_BLOCK;
    heldSecond[0] = windows[0];
    for (int length : v4 ? v4Lengths : v6Lengths) {
      Cidr prefix = Cidr.covering(ip, length);
      if (length < block) {
        String rekeyed = KafkaKeys.rekeyedPrefix(e.app(), prefix);
        counter.hold(StoreKey.Kind.HELD_PREFIX, rekeyed, heldSecond, e.n(), e.denied());
        counter.update(StoreKey.Kind.PREFIX_SHARE, shareKey(rekeyed), windows, e.n(), e.denied());
        continue;
      }
      boolean atHome = addressHome == partition;
      context.forward(new Record<>(KafkaKeys.rekeyedPrefix(e.app(), prefix),
          RekeyedProcessor.encode(RekeyedProcessor.PREFIX, e.ts(), e.n(), e.denied(), addressHome), timestamp),
          atHome ? REKEYED_LOCAL : REKEYED_SINK);
      if (atHome) {
        metrics.prefixesCountedLocally.increment();
      }
    }
  }

  /** Sends a held share on: a quota day's or hour's, or a wide prefix's second. */
  private void sendHeld(StoreKey.Kind kind, String key, long windowStart, long n, long denied) {
    if (kind != StoreKey.Kind.HELD_PREFIX) {
      sendQuota(kind, key, windowStart, n, denied);
      return;
    }
    int bar = key.indexOf('|');
    Cidr prefix = Cidr.parse(key.substring(bar + 1));
    int home = KafkaKeys.accessPartition(key.substring(0, bar), prefix.network(), partitions);
    long ts = windowStart * 1000;
    boolean atHome = home == context.taskId().partition(); // tasks are numbered by their acl.access partition
    context.forward(new Record<>(key, RekeyedProcessor.encode(RekeyedProcessor.PREFIX, ts, n, denied, home), ts),
        atHome ? REKEYED_LOCAL : REKEYED_SINK);
    if (atHome) {
      metrics.prefixesCountedLocally.increment();
    }
  }

  /** The calendar day (epoch day in the quota zone) of {@code ts}; the last day's bounds are kept. */
  private long quotaDay(long ts) {
    if (ts < dayStartMillis || ts >= dayEndMillis) {
      LocalDate d = Instant.ofEpochMilli(ts).atZone(settings.quotaZone()).toLocalDate();
      day = d.toEpochDay();
      dayStartMillis = d.atStartOfDay(settings.quotaZone()).toInstant().toEpochMilli();
      dayEndMillis = d.plusDays(1).atStartOfDay(settings.quotaZone()).toInstant().toEpochMilli();
    }
    return day;
  }

  /** The hour since the local midnight of {@code ts}'s day in the quota zone, two digits ("00" to "23", "24" on a long DST day). */
  private String hourOfDay(long ts) {
    quotaDay(ts);
    long h = Math.min(24, (ts - dayStartMillis) / 3_600_000L);
    return h < 10 ? "0" + h : Long.toString(h);
  }

  /** Sends a day's share of a caller's quota count (key app|caller|iface, or app|caller|iface|HH for an hour) on to be summed. */
  private void sendQuota(StoreKey.Kind kind, String key, long epochDay, long n, long denied) {
    long ts = LocalDate.ofEpochDay(epochDay).atStartOfDay(settings.quotaZone()).toInstant().toEpochMilli();
    byte type = kind == StoreKey.Kind.HELD_QUOTA_HOUR ? RekeyedProcessor.QUOTA_HOUR : RekeyedProcessor.QUOTA;
    context.forward(new Record<>(key, RekeyedProcessor.encode(type, ts, n, denied, RekeyedProcessor.ANY_PARTITION), ts),
        REKEYED_SINK);
  }

  /** The store key of this task's share of a wide prefix, {@code e|<app>|<prefix>|<task>}, from its rekeyed key {@code <app>|<prefix>}. */
  private String shareKey(String appAndPrefix) {
    return StoreKey.Kind.PREFIX_SHARE.key(appAndPrefix) + '|' + context.taskId();
  }

  /** The store key of an app's total as this task counts it; one string per app, so its hash is computed once. */
  private String totalKey(String app) {
    String k = totalKeys.get(app);
    if (k == null) {
      k = new StoreKey(StoreKey.Kind.TOTAL, app, context.taskId().toString()).encode();
      totalKeys.put(app, k);
    }
    return k;
  }

  /**
   * The store key of a node of an app as this task counts it; null once this task counts
   * {@value #MAX_NODES} nodes (node names come from clients: a bound on what a faulty one can add).
   */
  private String nodeKey(String app, String node) {
    String id = app + '|' + node;
    String k = nodeKeys.get(id);
    if (k == null) {
      if (nodeKeys.size() >= MAX_NODES) {
        metrics.nodesNotCounted.increment();
        return null;
      }
      k = new StoreKey(StoreKey.Kind.NODE, app, context.taskId() + "|" + node).encode();
      nodeKeys.put(id, k);
    }
    return k;
  }

  private void deadLetter(Record<String, byte[]> record, String reason) {
    metrics.deadLettered.increment();
    RecordHeaders h = new RecordHeaders();
    record.headers().forEach(h::add);
    h.add(ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    context.forward(new Record<>(record.key(), record.value(), record.timestamp(), h), DLQ_SINK);
    LOG.debug("dead-lettered a record: {}", reason);
  }

}
