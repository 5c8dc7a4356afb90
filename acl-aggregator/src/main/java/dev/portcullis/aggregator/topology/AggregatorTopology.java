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
 * {@code acl.access} → {@link AccessProcessor} (address and total windows) → {@code acl.access.dlq}
 * for poison, and → the rekeyed repartition topic → {@link RekeyedProcessor} (prefix windows and
 * daily quota totals, which need another key than the address).
 * The store is persistent (RocksDB) or in-memory as configured, changelogged either way, with a
 * {@link WriteBackStore} hash cache in front of it (instead of the Streams record cache) so that
 * repeated updates of a key between commits cost a hash-map write, not a store and changelog write.
 */
public final class AggregatorTopology {

  public static final String STORE = "windows";
  public static final String REKEYED_STORE = "rekeyed-windows";

  /** The repartition topic for prefix windows and quota totals of this application. */
  public static String rekeyedTopic(AggregatorSettings settings) {
    return settings.applicationId() + "-rekeyed";
  }

  private AggregatorTopology() {}

  public static Topology build(AggregatorSettings settings, WindowSink sink, AggregatorMetrics metrics) {
    Topology t = new Topology();
    t.addSource("access", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), settings.accessTopic());
    t.addProcessor("aggregate", () -> new AccessProcessor(settings, sink, metrics), "access");
    t.addStateStore(store(settings, STORE), "aggregate");
    t.addSink(AccessProcessor.DLQ_SINK, settings.dlqTopic(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
        "aggregate");
    t.addSink(AccessProcessor.REKEYED_SINK, rekeyedTopic(settings), Serdes.String().serializer(),
        Serdes.ByteArray().serializer(), "aggregate");
    t.addSource("rekeyed", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), rekeyedTopic(settings));
    t.addProcessor("aggregate-rekeyed", () -> new RekeyedProcessor(settings, sink, metrics), "rekeyed");
    t.addStateStore(store(settings, REKEYED_STORE), "aggregate-rekeyed");
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
