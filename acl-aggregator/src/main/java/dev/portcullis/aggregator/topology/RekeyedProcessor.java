package dev.portcullis.aggregator.topology;

import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts what cannot be summed where {@code acl.access} is partitioned (by app and address), from
 * the rekeyed repartition topic, where every record of one key lands on one partition, so one task
 * holds the whole sum: prefix windows ({@code p|app|prefix}, key {@code app|prefix}) and daily quota
 * totals ({@code q|app|caller|iface}, key {@code app|caller|iface}; a caller calls from many
 * addresses). Each record is {@code kind, ts, n, denied}. Its own store and flush, like
 * {@link AccessProcessor}.
 */
public final class RekeyedProcessor implements Processor<String, byte[], Void, Void> {

  static final byte PREFIX = 'P';
  static final byte QUOTA = 'Q';
  private static final int SIZE = 25;

  private final AggregatorSettings settings;
  private final AggregatorMetrics metrics;
  private final WindowCounter counter;

  public RekeyedProcessor(AggregatorSettings settings, WindowSink sink, AggregatorMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.counter = new WindowCounter(settings, sink, metrics);
  }

  static byte[] encode(byte kind, long ts, long n, long denied) {
    return ByteBuffer.allocate(SIZE).put(kind).putLong(ts).putLong(n).putLong(denied).array();
  }

  @Override
  public void init(ProcessorContext<Void, Void> ctx) {
    counter.init(ctx.getStateStore(AggregatorTopology.REKEYED_STORE));
    ctx.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, counter::flush);
    ctx.schedule(Duration.ofSeconds(60), PunctuationType.WALL_CLOCK_TIME, counter::sweep);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    byte[] v = record.value();
    if (v == null || v.length != SIZE || (v[0] != PREFIX && v[0] != QUOTA) || record.key() == null
        || record.key().indexOf('|') < 0) {
      metrics.deadLettered.increment(); // written only by AccessProcessor; anything else is not ours
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(v, 1, SIZE - 1);
    long ts = b.getLong();
    long n = b.getLong();
    long denied = b.getLong();
    if (v[0] == PREFIX) {
      counter.update("p|" + record.key(), WindowCounter.ADDRESS,
          new long[] {Math.floorDiv(ts, 1000L), Math.floorDiv(ts, 60_000L)}, n, denied);
    } else {
      long epochDay = Instant.ofEpochMilli(ts).atZone(settings.quotaZone()).toLocalDate().toEpochDay();
      counter.update("q|" + record.key(), WindowCounter.QUOTA, new long[] {epochDay}, n, denied);
    }
  }
}
