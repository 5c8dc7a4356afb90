package dev.portcullis.aggregator.topology;

import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import dev.portcullis.keys.KafkaKeys;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The aggregator's topology, a pure function of its settings, the partition count of
 * {@code acl.access} and its sink: {@code acl.access} → {@link AccessProcessor} (address and total
 * windows) → {@code acl.access.dlq} for poison; prefix and quota counts go on to
 * {@link RekeyedProcessor} (prefix windows and daily quota totals, which need another key than the
 * address), directly when the record's partition is its prefix's home partition (clients partition
 * by address block, {@link KafkaKeys#accessPartition}), else through the rekeyed repartition topic,
 * to that home partition. Both paths meet in one task, as one sub-topology reads partition N of both
 * topics, so a prefix is counted in one place whichever way its records come.
 * The store is persistent (RocksDB) or in-memory as configured, changelogged either way, with a
 * {@link WriteBackStore} cache of decoded window states in front of it (instead of the Streams record
 * cache), so that counting a record costs a hash lookup, not a store read and write, and each changed
 * key is written to the store and its changelog once per commit.
 */
public final class AggregatorTopology {

  public static final String STORE = "windows";
  public static final String REKEYED_STORE = "rekeyed-windows";

  /** The repartition topic for prefix windows and quota totals of this application. */
  public static String rekeyedTopic(AggregatorSettings settings) {
    return settings.applicationId() + "-rekeyed";
  }

  private AggregatorTopology() {}

  /** @param accessPartitions the partition count of {@code acl.access} (and of the rekeyed topic) */
  public static Topology build(AggregatorSettings settings, int accessPartitions, WindowSink sink,
      AggregatorMetrics metrics) {
    return build(settings, accessPartitions, sink, metrics, CacheBudget.perWorker());
  }

  /** @param cachedEntries the most window states each task's store keeps decoded (and changed ones held while Redis is away) */
  static Topology build(AggregatorSettings settings, int accessPartitions, WindowSink sink, AggregatorMetrics metrics,
      int cachedEntries) {
    return build(settings, accessPartitions, sink, metrics, CacheBudget.fixed(cachedEntries));
  }

  /**
   * @param budget the window states the stores of this topology's tasks keep decoded (and changed ones held while
   *     Redis is away), shared among them: one topology is built per worker
   */
  static Topology build(AggregatorSettings settings, int accessPartitions, WindowSink sink, AggregatorMetrics metrics,
      CacheBudget budget) {
    Topology t = new Topology();
    t.addSource("access", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), settings.accessTopic());
    t.addSource("rekeyed", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), rekeyedTopic(settings));
    t.addProcessor("aggregate", () -> new AccessProcessor(settings, accessPartitions, sink, metrics), "access", "rekeyed");
    t.addStateStore(store(settings, STORE, budget), "aggregate");
    t.addSink(AccessProcessor.DLQ_SINK, settings.dlqTopic(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
        "aggregate");
    t.addSink(AccessProcessor.REKEYED_SINK, rekeyedTopic(settings), Serdes.String().serializer(),
        Serdes.ByteArray().serializer(), RekeyedProcessor.homePartition(accessPartitions), "aggregate");
    t.addProcessor(AccessProcessor.REKEYED_LOCAL, () -> new RekeyedProcessor(settings, sink, metrics), "rekeyed", "aggregate");
    t.addStateStore(store(settings, REKEYED_STORE, budget), AccessProcessor.REKEYED_LOCAL);
    return t;
  }

  private static StoreBuilder<?> store(AggregatorSettings settings, String name, CacheBudget budget) {
    KeyValueBytesStoreSupplier supplier = settings.storeType() == AggregatorSettings.StoreType.ROCKSDB
        ? Stores.persistentKeyValueStore(name)
        : Stores.inMemoryKeyValueStore(name);
    return new WriteBackStoreBuilder(Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.ByteArray())
        .withLoggingEnabled(java.util.Map.of("cleanup.policy", "compact")), budget);
  }
}
