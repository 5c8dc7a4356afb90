package dev.portcullis.aggregator.topology;

import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The aggregator's topology, a pure function of its settings and sink:
 * {@code acl.access} → {@link AccessProcessor} (address, total and quota windows) → {@code acl.access.dlq}
 * for poison, and → the prefix repartition topic → {@link PrefixProcessor} (prefix windows).
 * The store is persistent (RocksDB) or in-memory as configured, changelogged either way, with a
 * {@link WriteBackStore} hash cache in front of it (instead of the Streams record cache) so that
 * repeated updates of a key between commits cost a hash-map write, not a store and changelog write.
 */
public final class AggregatorTopology {

  public static final String STORE = "windows";
  public static final String PREFIX_STORE = "prefix-windows";

  /** The repartition topic for prefix windows of this application. */
  public static String prefixTopic(AggregatorSettings settings) {
    return settings.applicationId() + "-prefixes";
  }

  private AggregatorTopology() {}

  public static Topology build(AggregatorSettings settings, WindowSink sink, AggregatorMetrics metrics) {
    Topology t = new Topology();
    t.addSource("access", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), settings.accessTopic());
    t.addProcessor("aggregate", () -> new AccessProcessor(settings, sink, metrics), "access");
    t.addStateStore(store(settings, STORE), "aggregate");
    t.addSink(AccessProcessor.DLQ_SINK, settings.dlqTopic(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
        "aggregate");
    t.addSink(AccessProcessor.PREFIX_SINK, prefixTopic(settings), Serdes.String().serializer(),
        Serdes.ByteArray().serializer(), "aggregate");
    t.addSource("prefixes", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), prefixTopic(settings));
    t.addProcessor("aggregate-prefixes", () -> new PrefixProcessor(settings, sink, metrics), "prefixes");
    t.addStateStore(store(settings, PREFIX_STORE), "aggregate-prefixes");
    return t;
  }

  private static StoreBuilder<?> store(AggregatorSettings settings, String name) {
    KeyValueBytesStoreSupplier supplier = settings.storeType() == AggregatorSettings.StoreType.ROCKSDB
        ? Stores.persistentKeyValueStore(name)
        : Stores.inMemoryKeyValueStore(name);
    return new WriteBackStore.Builder(Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.ByteArray())
        .withLoggingEnabled(java.util.Map.of("cleanup.policy", "compact")));
  }
}
