package dev.portcullis.gate;

import com.codahale.metrics.MetricRegistry;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.client.metrics.PrometheusBridge;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The gate's metrics for Prometheus: {@code portcullis_gate_calls_total{protocol, answer}} (answers:
 * allow, deny, limit, untrusted, bad_request, error) and its client's ({@link PrometheusBridge}).
 * Served at {@code /metrics} by the Prometheus client's own handler.
 */
public final class GateMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter calls = Counter.builder().name("portcullis_gate_calls")
      .help("authorization calls answered, by the proxy's protocol and the answer")
      .labelNames("protocol", "answer").register(registry);

  GateMetrics(MetricRegistry clientMetrics) {
    registry.register(new PrometheusBridge(clientMetrics));
  }

  PrometheusRegistry registry() {
    return registry;
  }

  void decided(ProxyProtocol protocol, Decision d) {
    count(protocol, d.outcome().name().toLowerCase(java.util.Locale.ROOT));
  }

  void count(ProxyProtocol protocol, String answer) {
    calls.labelValues(protocol.name().toLowerCase(java.util.Locale.ROOT), answer).inc();
  }

  /** Calls answered so far with {@code answer} for {@code protocol}. */
  public long calls(ProxyProtocol protocol, String answer) {
    return (long) calls.labelValues(protocol.name().toLowerCase(java.util.Locale.ROOT), answer).get();
  }
}
