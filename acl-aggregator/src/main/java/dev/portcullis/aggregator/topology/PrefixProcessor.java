package dev.portcullis.aggregator.topology;

import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts the prefix windows ({@code p|app|prefix}) from the prefix repartition topic, where every
 * record of one (app, prefix) lands on one partition, so one task holds the whole sum. Its own store
 * and flush, like {@link AccessProcessor}.
 */
public final class PrefixProcessor implements Processor<String, byte[], Void, Void> {

  private final AggregatorSettings settings;
  private final AggregatorMetrics metrics;
  private final WindowCounter counter;

  public PrefixProcessor(AggregatorSettings settings, WindowSink sink, AggregatorMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.counter = new WindowCounter(settings, sink, metrics);
  }

  static byte[] encode(long ts, long n, long denied) {
    return ByteBuffer.allocate(24).putLong(ts).putLong(n).putLong(denied).array();
  }

  @Override
  public void init(ProcessorContext<Void, Void> ctx) {
    counter.init(ctx.getStateStore(AggregatorTopology.PREFIX_STORE));
    ctx.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, counter::flush);
    ctx.schedule(Duration.ofSeconds(60), PunctuationType.WALL_CLOCK_TIME, counter::sweep);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null || record.value().length != 24 || record.key() == null || record.key().indexOf('|') < 0) {
      metrics.deadLettered.increment(); // written only by AccessProcessor; anything else is not ours
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(record.value());
    long ts = b.getLong();
    long n = b.getLong();
    long denied = b.getLong();
    counter.update("p|" + record.key(), WindowCounter.ADDRESS,
        new long[] {Math.floorDiv(ts, 1000L), Math.floorDiv(ts, 60_000L)}, n, denied);
  }
}
