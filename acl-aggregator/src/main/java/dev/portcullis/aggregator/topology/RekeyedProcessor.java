package dev.portcullis.aggregator.topology;

import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import dev.portcullis.keys.KafkaKeys;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts what needs another key than the address, in the task of the key's home partition: prefix
 * windows ({@code p|app|prefix}, key {@code app|prefix}) and daily quota totals
 * ({@code q|app|caller|iface}, key {@code app|caller|iface}; a caller calls from many addresses).
 * Records come from {@link AccessProcessor} in the same task (a prefix whose records arrived at its
 * home) and from the rekeyed repartition topic (everything else, sent to the home partition by
 * {@link #homePartition}), so one task holds each whole sum. Each record is
 * {@code kind, ts, n, denied, home}. Its own store and flush, like {@link AccessProcessor}. Access
 * events sent whole to their home partition share the rekeyed topic; they are AccessProcessor's.
 */
public final class RekeyedProcessor implements Processor<String, byte[], Void, Void> {

  static final byte PREFIX = 'P';
  static final byte QUOTA = 'Q';
  static final byte QUOTA_HOUR = 'H';
  /** Home of a record that any partition may count (quotas: Kafka's default, a hash of the key). */
  static final int ANY_PARTITION = -1;
  private static final int SIZE = 29;

  private final AggregatorSettings settings;
  private final AggregatorMetrics metrics;
  private final WindowCounter counter;

  public RekeyedProcessor(AggregatorSettings settings, WindowSink sink, AggregatorMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.counter = new WindowCounter(settings, sink, metrics);
  }

  /**
   * Sends a rekeyed record to its home partition: the one written in a prefix or quota count, or for
   * an access event sent on whole, {@link KafkaKeys#accessPartition} of its key's address.
   */
  static StreamPartitioner<String, byte[]> homePartition(int accessPartitions) {
    return (topic, key, value, partitions) -> {
      int home = isCount(value) ? ByteBuffer.wrap(value, 25, 4).getInt()
          : KafkaKeys.accessPartitionOfKey(key, accessPartitions); // -1 (ANY_PARTITION) if not an access key
      return home >= 0 && home < partitions ? Optional.of(Set.of(home)) : Optional.empty();
    };
  }

  /**
   * Whether a rekeyed record is a prefix or quota count; anything else on the rekeyed topic is an
   * access event sent on whole (JSON, which never starts with these bytes).
   */
  static boolean isCount(byte[] value) {
    return value != null && value.length == SIZE && (value[0] == PREFIX || value[0] == QUOTA || value[0] == QUOTA_HOUR);
  }

  static byte[] encode(byte kind, long ts, long n, long denied, int home) {
    return ByteBuffer.allocate(SIZE).put(kind).putLong(ts).putLong(n).putLong(denied).putInt(home).array();
  }

  @Override
  public void init(ProcessorContext<Void, Void> ctx) {
    counter.init(WriteBackStore.under(ctx.getStateStore(AggregatorTopology.REKEYED_STORE)), ctx.currentSystemTimeMs());
    ctx.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, counter::flush);
    ctx.schedule(WindowCounter.SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, counter::sweep);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    byte[] v = record.value();
    if (!isCount(v)) {
      return; // an access event sent to its home (AccessProcessor's), or anything else, which it dead-letters
    }
    if (record.key() == null || record.key().indexOf('|') < 0) {
      metrics.deadLettered.increment(); // counts are written only by AccessProcessor
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(v, 1, SIZE - 1);
    long ts = b.getLong();
    long n = b.getLong();
    long denied = b.getLong();
    if (v[0] == PREFIX) {
      counter.update(StoreKey.Kind.PREFIX, StoreKey.Kind.PREFIX.key(record.key()),
          new long[] {Math.floorDiv(ts, 1000L), Math.floorDiv(ts, 60_000L)}, n, denied);
    } else {
      long epochDay = Instant.ofEpochMilli(ts).atZone(settings.quotaZone()).toLocalDate().toEpochDay();
      StoreKey.Kind kind = v[0] == QUOTA_HOUR ? StoreKey.Kind.QUOTA_HOUR : StoreKey.Kind.QUOTA;
      counter.update(kind, kind.key(record.key()), new long[] {epochDay}, n, denied);
    }
  }
}
