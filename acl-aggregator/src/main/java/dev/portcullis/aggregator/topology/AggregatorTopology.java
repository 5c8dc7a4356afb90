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
 * {@code acl.access} → {@link AccessProcessor} (with its store) → {@code acl.access.dlq} for poison.
 * The store is persistent (RocksDB) or in-memory as configured, changelogged either way, with the
 * Streams record cache in front of it so that repeated updates of a hot key between commits cost
 * memory, not store writes.
 */
public final class AggregatorTopology {

  public static final String STORE = "windows";

  private AggregatorTopology() {}

  public static Topology build(AggregatorSettings settings, WindowSink sink, AggregatorMetrics metrics) {
    KeyValueBytesStoreSupplier supplier = settings.storeType() == AggregatorSettings.StoreType.ROCKSDB
        ? Stores.persistentKeyValueStore(STORE)
        : Stores.inMemoryKeyValueStore(STORE);
    StoreBuilder<?> store = Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.ByteArray())
        .withCachingEnabled()
        .withLoggingEnabled(java.util.Map.of("cleanup.policy", "compact"));
    Topology t = new Topology();
    t.addSource("access", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), settings.accessTopic());
    t.addProcessor("aggregate", () -> new AccessProcessor(settings, sink, metrics), "access");
    t.addStateStore(store, "aggregate");
    t.addSink(AccessProcessor.DLQ_SINK, settings.dlqTopic(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
        "aggregate");
    return t;
  }
}
