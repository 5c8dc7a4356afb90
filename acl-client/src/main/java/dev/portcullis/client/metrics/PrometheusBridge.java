package dev.portcullis.client.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's metrics ({@link ClientMetrics}, in a service's Dropwizard {@link MetricRegistry}) for
 * Prometheus, named by its conventions: {@code portcullis_client_} + what is counted, counters ending
 * in {@code _total}, units in the name ({@code _seconds}), the app and the outcome as labels. Register
 * it with a {@code PrometheusRegistry} and serve that with the Prometheus client's own exporter
 * ({@code PrometheusMetricsServlet}, or {@code MetricsHandler} for the JDK server); the text is
 * written by the Prometheus client, not here. Read at each scrape; needs
 * {@code io.prometheus:prometheus-metrics-core} on the service's class path (an optional dependency).
 *
 * <pre>{@code
 * PrometheusRegistry prometheus = new PrometheusRegistry();
 * prometheus.register(new PrometheusBridge(metricRegistry));
 * servletContext.addServlet("prometheus", new PrometheusMetricsServlet(prometheus)).addMapping("/metrics");
 * }</pre>
 */
public final class PrometheusBridge implements MultiCollector {

  private static final String PREFIX = "portcullis.client.";

  /** How one of the client's gauges is exposed. */
  private record Exposed(String name, boolean counter, String help, double scale, String outcome) {}

  private static final Map<String, Exposed> NAMES = new LinkedHashMap<>();

  static {
    String decisions = "requests decided, by outcome (allow: served; deny: 403; limit: 429)";
    NAMES.put("decisions.allow", new Exposed("portcullis_client_decisions", true, decisions, 1, "allow"));
    NAMES.put("decisions.deny", new Exposed("portcullis_client_decisions", true, decisions, 1, "deny"));
    NAMES.put("decisions.limit", new Exposed("portcullis_client_decisions", true, decisions, 1, "limit"));
    NAMES.put("decisions.failOpen", new Exposed("portcullis_client_fail_opens", true,
        "requests allowed because deciding failed (a bug: each is logged)", 1, null));
    NAMES.put("decisions.unparseableAddress", new Exposed("portcullis_client_unparseable_addresses", true,
        "requests whose client address could not be parsed", 1, null));
    NAMES.put("intercepts.active", new Exposed("portcullis_client_active_intercepts", false,
        "intercept notices in force at this client", 1, null));
    NAMES.put("config.ageMillis", new Exposed("portcullis_client_config_age_seconds", false,
        "seconds since the rules last changed in ZooKeeper as this client saw it (-1: never)", 1e-3, null));
    NAMES.put("config.invalidDocuments", new Exposed("portcullis_client_config_invalid_documents", true,
        "rule documents refused as invalid (the last good one kept)", 1, null));
    NAMES.put("events.sentRecords", new Exposed("portcullis_client_access_records_sent", true,
        "coalesced access records sent to Kafka", 1, null));
    NAMES.put("events.sentRequests", new Exposed("portcullis_client_accesses_sent", true,
        "requests reported to Kafka (inside the coalesced records)", 1, null));
    NAMES.put("events.dropped", new Exposed("portcullis_client_accesses_dropped", true,
        "requests not reported (Kafka away, ring full): uncounted by the aggregator", 1, null));
    NAMES.put("events.countedLater", new Exposed("portcullis_client_accesses_counted_late", true,
        "requests counted in a later second than they were decided in (the emitter over 2 s behind)", 1, null));
    NAMES.put("notices.lagMillis", new Exposed("portcullis_client_notice_lag_seconds", false,
        "delay of the last intercept notice applied, from its issue to this client", 1e-3, null));
    NAMES.put("notices.poison", new Exposed("portcullis_client_notices_poison", true,
        "notice records that could not be read (skipped)", 1, null));
    NAMES.put("notices.refused", new Exposed("portcullis_client_notices_refused", true,
        "notices refused by the client's guard (too wide, too large, over the cap)", 1, null));
  }

  private final MetricRegistry registry;

  public PrometheusBridge(MetricRegistry registry) {
    this.registry = registry;
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, List<Object>> points = new LinkedHashMap<>(); // prometheus name -> data points
    Map<String, Exposed> kinds = new LinkedHashMap<>();
    for (Map.Entry<String, Gauge> e : registry.getGauges((name, m) -> name.startsWith(PREFIX)).entrySet()) {
      String rest = e.getKey().substring(PREFIX.length());
      int dot = rest.indexOf('.');
      Exposed x = dot < 0 ? null : NAMES.get(rest.substring(dot + 1));
      if (x == null || !(e.getValue().getValue() instanceof Number n)) {
        continue;
      }
      String app = rest.substring(0, dot);
      Labels labels = x.outcome() == null ? Labels.of("app", app) : Labels.of("app", app, "outcome", x.outcome());
      double value = n.longValue() < 0 && x.scale() != 1 ? -1 : n.doubleValue() * x.scale();
      kinds.putIfAbsent(x.name(), x);
      points.computeIfAbsent(x.name(), k -> new ArrayList<>()).add(x.counter()
          ? CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(Math.max(0, value)).build()
          : GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
    }
    List<MetricSnapshot> out = new ArrayList<>();
    points.forEach((name, list) -> {
      Exposed x = kinds.get(name);
      if (x.counter()) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(x.help());
        list.forEach(p -> b.dataPoint((CounterSnapshot.CounterDataPointSnapshot) p));
        out.add(b.build());
      } else {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(x.help());
        if (name.endsWith("_seconds")) {
          b.unit(Unit.SECONDS);
        }
        list.forEach(p -> b.dataPoint((GaugeSnapshot.GaugeDataPointSnapshot) p));
        out.add(b.build());
      }
    });
    return new MetricSnapshots(out);
  }

  @Override
  public List<String> getPrometheusNames() {
    return NAMES.values().stream().map(Exposed::name).distinct().toList();
  }
}
