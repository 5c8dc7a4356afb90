package dev.portcullis.aggregator.admin;

import dev.portcullis.aggregator.topology.AggregatorMetrics;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * An aggregator worker's metrics for Prometheus (served at {@code /prometheus} on its admin port by the
 * Prometheus client's own handler), named by its conventions: {@code portcullis_aggregator_} + what,
 * counters ending in {@code _total}, seconds for durations; and the JVM's ({@code jvm_*}).
 */
public final class AggregatorPrometheus {

  private AggregatorPrometheus() {}

  /**
   * @param consumerLag the worker's largest consumer lag in records, over its partitions of acl.access
   * @param storeMemory bytes held now in the RocksDB memory its stores share (0 with the in-memory store)
   * @param storeEntries the keys its stores hold, as RocksDB estimates them (0 with the in-memory store)
   */
  public static PrometheusRegistry registry(AggregatorMetrics m, DoubleSupplier consumerLag, LongSupplier storeMemory,
      LongSupplier storeEntries) {
    PrometheusRegistry r = new PrometheusRegistry();
    counter(r, "portcullis_aggregator_records", "access records read", m::records);
    counter(r, "portcullis_aggregator_requests", "requests counted (inside the coalesced records)", m::requests);
    counter(r, "portcullis_aggregator_dead_lettered", "records refused as invalid and sent to the dead-letter topic",
        m::deadLettered);
    counter(r, "portcullis_aggregator_late_records", "records not counted: their minute had closed (quotas still count"
        + " them)", m::lateRecords);
    CounterWithCallback.builder().name("portcullis_aggregator_late_windows")
        .help("windows a record was not counted into, one each, by the kind of entry and the window that missed them:"
            + " its minute had closed, or the window's ring had moved past it while the record's other windows counted")
        .labelNames("kind", "window")
        .callback(c -> m.lateWindowsByKind().forEach((kind, windows) ->
            windows.forEach((window, late) -> c.call(late, kind, window))))
        .register(r);
    counter(r, "portcullis_aggregator_flushes", "successful flushes to Redis", m::flushes);
    counter(r, "portcullis_aggregator_flush_failures", "flushes to Redis that failed (kept and retried)",
        m::flushFailures);
    counter(r, "portcullis_aggregator_redis_commands", "commands sent to Redis", m::redisCommands);
    counter(r, "portcullis_aggregator_window_writes", "window counts written to Redis", m::windowWrites);
    counter(r, "portcullis_aggregator_nodes_not_counted", "records whose node got no per-node window (over the bound)",
        m::nodesNotCounted);
    counter(r, "portcullis_aggregator_store_rewrites", "times a task finished rewriting every retained window to"
        + " Redis, a slice a flush (at start, after a failed flush and after a failover)", m::storeRewrites);
    counter(r, "portcullis_aggregator_swept_entries", "store entries the sweep examined for deletion, a slice a second",
        m::sweptEntries);
    GaugeWithCallback.builder().name("portcullis_aggregator_sweep_longest_seconds")
        .help("the longest one slice of the sweep held a stream thread").callback(c -> c.call(m.longestSweepMicros() / 1e6))
        .register(r);
    GaugeWithCallback.builder().name("portcullis_aggregator_pending_entries")
        .help("store entries with windows not yet in Redis, at a task's last flush").callback(c -> c.call(m.pendingEntries()))
        .register(r);
    GaugeWithCallback.builder().name("portcullis_aggregator_redis_up").help("1 if the last flush to Redis succeeded")
        .callback(c -> c.call(m.redisHealthy() ? 1 : 0)).register(r);
    GaugeWithCallback.builder().name("portcullis_aggregator_flush_latency_p99_seconds")
        .help("99th percentile of recent flush durations").callback(c -> c.call(m.flushLatencyPercentile(99) / 1e6))
        .register(r);
    GaugeWithCallback.builder().name("portcullis_aggregator_consumer_lag_records")
        .help("the largest lag, in records, of this worker's partitions of the access topic")
        .callback(c -> c.call(consumerLag.getAsDouble())).register(r);
    GaugeWithCallback.builder().name("portcullis_aggregator_store_memory_bytes")
        .help("RocksDB's block cache and memtables, shared by the worker's stores (off-heap)")
        .callback(c -> c.call(storeMemory.getAsLong())).register(r);
    GaugeWithCallback.builder().name("portcullis_aggregator_store_entries")
        .help("entries (addresses, prefixes, quota shares) in the worker's stores, as RocksDB estimates them")
        .callback(c -> c.call(storeEntries.getAsLong())).register(r);
    JvmMetrics.builder().register(r);
    return r;
  }

  private static void counter(PrometheusRegistry r, String name, String help, LongSupplier value) {
    CounterWithCallback.builder().name(name).help(help).callback(c -> c.call(value.getAsLong())).register(r);
  }
}
