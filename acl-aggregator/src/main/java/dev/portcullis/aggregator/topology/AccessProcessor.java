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
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts access events into per-key windows and flushes changed windows to a {@link WindowSink}.
 *
 * <p>Two kinds of key share one store, each with one entry holding all its windows:
 * {@code s|app|ip} (1 s and 1 min windows of one address) and {@code t|app|task} (the app's total as
 * counted by this task, for rate charts). Prefix windows need every address of a /24 or /64 in one
 * place, and a caller's daily quota total every address it calls from, so each record is also
 * forwarded to the rekeyed repartition topic, keyed {@code app|prefix} (and {@code app|caller|iface}
 * when it has a caller), where {@link RekeyedProcessor} counts it. A record costs one read and one
 * write per kind. Which windows changed since the last flush is kept in memory;
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
  public static final String ERROR_HEADER = "portcullis.error";

  private final AggregatorSettings settings;
  private final AggregatorMetrics metrics;
  private final WindowCounter counter;
  private final WireCodec codec = new WireCodec();
  private ProcessorContext<String, byte[]> context;

  public AccessProcessor(AggregatorSettings settings, WindowSink sink, AggregatorMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.counter = new WindowCounter(settings, sink, metrics);
  }

  @Override
  public void init(ProcessorContext<String, byte[]> ctx) {
    this.context = ctx;
    counter.init(ctx.getStateStore(AggregatorTopology.STORE));
    ctx.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, counter::flush);
    ctx.schedule(Duration.ofSeconds(60), PunctuationType.WALL_CLOCK_TIME, counter::sweep);
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
    counter.update("s|" + e.app() + "|" + e.ip(), WindowCounter.ADDRESS, new long[] {sec, min}, e.n(), e.denied());
    counter.update("t|" + e.app() + "|" + context.taskId(), WindowCounter.ADDRESS, new long[] {sec, min}, e.n(), e.denied());
    IpAddress ip = e.ip();
    Cidr prefix = Cidr.covering(ip, ip.isV4() ? settings.ipv4Prefix() : settings.ipv6Prefix());
    // a prefix's addresses live on many partitions: repartition by (app, prefix) so one task sums it
    context.forward(new Record<>(e.app() + "|" + prefix,
        RekeyedProcessor.encode(RekeyedProcessor.PREFIX, e.ts(), e.n(), e.denied()), record.timestamp()), REKEYED_SINK);
    if (e.caller() != null) {
      // one caller calls from many addresses, whose records are on many partitions: sum it elsewhere
      context.forward(new Record<>(e.app() + "|" + e.caller() + "|" + e.iface(),
          RekeyedProcessor.encode(RekeyedProcessor.QUOTA, e.ts(), e.n(), e.denied()), record.timestamp()), REKEYED_SINK);
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

}
