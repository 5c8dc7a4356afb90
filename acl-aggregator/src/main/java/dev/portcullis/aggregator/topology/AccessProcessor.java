package dev.portcullis.aggregator.topology;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * counted by this task, for rate charts). Prefix windows need every address of a /24 or /64 in one
 * place, and a caller's daily quota total every address it calls from; {@link RekeyedProcessor}
 * counts them, keyed {@code app|prefix} and {@code app|caller|iface}, in the task of their home
 * partition. A prefix's home is the partition its addresses are sent to by clients
 * ({@link KafkaKeys#accessPartition} of the prefix's network), so a record that arrived there is
 * handed to the child processor directly; one that did not (a producer with another partitioner, a
 * prefix wider than the partitioning block, or more partitions than the worker knows of) goes through
 * the rekeyed topic to the home partition. Quota counts always take that way, but summed first: each
 * task holds its share of a (caller, interface, day) in its store and sends the sum on once per flush
 * interval, so a busy caller costs one rekeyed record per task and interval, not one per record. Address windows follow the
 * same rule: an address's home is {@link KafkaKeys#accessPartition} of the address, and a record that
 * arrived elsewhere (sent by a producer with another partitioner) is sent on, whole, to its home
 * through the rekeyed topic, which this processor also reads; so one address is always counted in
 * one task, whatever mix of producers sends it, and with the Portcullis partitioner nothing but quota
 * counts takes the second pass. A record costs one read and one write per kind. Which windows changed since the last flush is kept in memory;
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
  static final String REKEYED_SINK = "rekeyed-out";
  static final String REKEYED_LOCAL = "aggregate-rekeyed";
  public static final String ERROR_HEADER = "portcullis.error";

  private final AggregatorSettings settings;
  private final int partitions;
  private final String rekeyedTopic;
  private final Map<String, String> totalKeys = new HashMap<>();
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
    this.rekeyedTopic = AggregatorTopology.rekeyedTopic(settings);
    this.metrics = metrics;
    this.counter = new WindowCounter(settings, sink, metrics);
  }

  @Override
  public void init(ProcessorContext<String, byte[]> ctx) {
    this.context = ctx;
    counter.init(WriteBackStore.under(ctx.getStateStore(AggregatorTopology.STORE)));
    ctx.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, counter::flush);
    ctx.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, now -> counter.drainHeld(this::sendQuota));
    ctx.schedule(Duration.ofSeconds(60), PunctuationType.WALL_CLOCK_TIME, counter::sweep);
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
    if (!sentHome) {
      metrics.records.increment();
      metrics.requests.add(e.n());
      if (partition != KafkaKeys.accessPartition(e.app(), ip, partitions)) {
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
    counter.update("s|" + key, WindowCounter.ADDRESS, windows, e.n(), e.denied()); // the key is app|ip
    counter.update(totalKey(e.app()), WindowCounter.ADDRESS, windows, e.n(), e.denied());
    Cidr prefix = Cidr.covering(ip, ip.isV4() ? settings.ipv4Prefix() : settings.ipv6Prefix());
    int home = KafkaKeys.accessPartition(e.app(), prefix.network(), partitions);
    boolean atHome = home == partition;
    context.forward(new Record<>(e.app() + "|" + prefix,
        RekeyedProcessor.encode(RekeyedProcessor.PREFIX, e.ts(), e.n(), e.denied(), home), record.timestamp()),
        atHome ? REKEYED_LOCAL : REKEYED_SINK);
    if (atHome) {
      metrics.prefixesCountedLocally.increment();
    }
    if (e.caller() != null) {
      // one caller calls from many addresses, whose records are on many partitions: the sum is made
      // elsewhere; this task sums its share per day and sends it on once per flush interval
      counter.hold(e.app() + "|" + e.caller() + "|" + e.iface(), new long[] {quotaDay(e.ts())}, e.n(), e.denied());
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

  /** Sends a day's share of a caller's quota count (key app|caller|iface) on to be summed. */
  private void sendQuota(String key, long epochDay, long n, long denied) {
    long ts = LocalDate.ofEpochDay(epochDay).atStartOfDay(settings.quotaZone()).toInstant().toEpochMilli();
    context.forward(new Record<>(key, RekeyedProcessor.encode(RekeyedProcessor.QUOTA, ts, n, denied,
        RekeyedProcessor.ANY_PARTITION), ts), REKEYED_SINK);
  }

  /** The store key of an app's total as this task counts it; one string per app, so its hash is computed once. */
  private String totalKey(String app) {
    String k = totalKeys.get(app);
    if (k == null) {
      k = "t|" + app + "|" + context.taskId();
      totalKeys.put(app, k);
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
