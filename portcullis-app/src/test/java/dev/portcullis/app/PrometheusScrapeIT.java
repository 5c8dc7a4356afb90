package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.http.ForwardingHeader;
import dev.portcullis.client.metrics.PrometheusBridge;
import dev.portcullis.gate.Gate;
import dev.portcullis.gate.GateMain;
import dev.portcullis.gate.GateSettings;
import dev.portcullis.testkit.Timeouts;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * Every Prometheus endpoint on a real stack: the notifier's (admin connector, {@code /prometheus}), an
 * aggregator's ({@code /prometheus}), a gate's ({@code /metrics}) and a service's (its client through
 * {@link PrometheusBridge} and the Prometheus client's own servlet in Jetty). Each scrape is parsed by
 * the Prometheus client's own parser (Python's {@code prometheus_client}, Debian's package), holds the
 * metrics it promises with their types, and follows the naming conventions; and every metric that the
 * shipped alert rules and Grafana dashboard query is exposed by one of them.
 */
class PrometheusScrapeIT {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyEndpointParsesWithThePrometheusParser_andServesWhatTheAlertsAndDashboardQuery() throws Exception {
    try (DemoStack stack = new DemoStack(DemoStack.Options.demo(), System.out::println).start()) {
      MetricRegistry serviceMetrics = new MetricRegistry();
      AclClient service = AclClient.builder("shop").node("svc:1").kafka(stack.kafkaBootstrap())
          .zooKeeper(stack.zooKeeperConnect()).metrics(serviceMetrics).build();
      PrometheusRegistry serviceRegistry = new PrometheusRegistry();
      serviceRegistry.register(new PrometheusBridge(serviceMetrics));
      Server jetty = new Server();
      ServerConnector connector = new ServerConnector(jetty);
      connector.setHost("127.0.0.1");
      jetty.addConnector(connector);
      ServletContextHandler ctx = new ServletContextHandler("/");
      ctx.addServlet(new ServletHolder(new PrometheusMetricsServlet(serviceRegistry)), "/metrics");
      jetty.setHandler(ctx);
      GateSettings gs = new GateSettings("shop", "gate:1", stack.kafkaBootstrap(), null, stack.zooKeeperConnect(),
          stack.directory().resolve("gate.snapshot"), "127.0.0.1", 0, List.of(Cidr.parse("127.0.0.1/32")),
          ForwardingHeader.X_FORWARDED_FOR, null, false, 4);
      MetricRegistry gateMetrics = new MetricRegistry();
      try (service; Gate gate = new Gate(gs, GateMain.client(gs, gateMetrics), gateMetrics).start()) {
        service.start();
        jetty.start();
        service.check("203.0.113.5", "GET /items");
        service.check("203.0.113.5", "GET /items");
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gate.port() + "/traefik"))
            .header("X-Forwarded-Method", "GET").header("X-Forwarded-Uri", "/x").header("X-Forwarded-For", "203.0.113.6")
            .build(), HttpResponse.BodyHandlers.discarding());
        Timeouts.await("the notifier to scan", Duration.ofSeconds(30), () -> stack.notifier(1).service().scans() > 0);

        String notifier = scrape("http://127.0.0.1:" + stack.adminPort("notifier-1") + "/prometheus");
        String aggregator = scrape("http://127.0.0.1:" + stack.aggregatorAdminPort(1) + "/prometheus");
        String gateText = scrape("http://127.0.0.1:" + gate.port() + "/metrics");
        String serviceText = scrape("http://127.0.0.1:" + connector.getLocalPort() + "/metrics");

        Set<String> all = new TreeSet<>();
        all.addAll(parse("notifier", notifier, List.of("portcullis_notifier_scans counter",
            "portcullis_notifier_valve_refusal_episodes counter", "portcullis_notifier_leader gauge",
            "portcullis_notifier_last_scan_duration_seconds gauge", "jvm_memory_used_bytes gauge")));
        all.addAll(parse("aggregator", aggregator, List.of("portcullis_aggregator_records counter",
            "portcullis_aggregator_consumer_lag_records gauge", "portcullis_aggregator_redis_up gauge")));
        all.addAll(parse("gate", gateText, List.of("portcullis_gate_calls counter", "portcullis_client_decisions counter")));
        all.addAll(parse("service", serviceText, List.of("portcullis_client_decisions counter",
            "portcullis_client_accesses_dropped counter", "portcullis_client_config_age_seconds gauge",
            "portcullis_client_notice_lag_seconds gauge")));
        assertThat(serviceText).contains("portcullis_client_decisions_total{app=\"shop\",outcome=\"allow\"} 2.0");
        assertThat(notifier).contains("portcullis_notifier_leader 1.0");
        assertThat(aggregator).as("late windows, one series per kind of entry and window")
            .contains("portcullis_aggregator_late_windows_total{kind=\"address\",window=\"second\"}")
            .contains("portcullis_aggregator_late_windows_total{kind=\"prefix\",window=\"minute\"}")
            .contains("portcullis_aggregator_late_windows_total{kind=\"quota\",window=\"day\"}");

        Set<String> queried = new TreeSet<>();
        Pattern name = Pattern.compile("\\b((?:portcullis|jvm)_[a-z_]+)");
        for (Path f : List.of(Path.of("..", "config", "prometheus", "portcullis-alerts.yml"),
            Path.of("..", "config", "grafana", "dashboards", "portcullis.json"))) {
          Matcher m = name.matcher(Files.readString(f));
          while (m.find()) {
            queried.add(m.group(1));
          }
        }
        assertThat(queried).as("metrics the alert rules and the dashboard query").isNotEmpty();
        assertThat(all).as("samples exposed").containsAll(queried);
      } finally {
        jetty.stop();
      }
    }
  }

  private String scrape(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).as(url).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    return r.body();
  }

  /**
   * Parses {@code text} with Python's prometheus_client; checks the families named in {@code expected}
   * ("name type") and the conventions on every portcullis_ family; returns every sample name.
   */
  private static Set<String> parse(String what, String text, List<String> expected) throws Exception {
    String script = String.join("\n",
        "import sys",
        "from prometheus_client.parser import text_string_to_metric_families",
        "for f in text_string_to_metric_families(sys.stdin.read()):",
        "    print('F', f.name, f.type)",
        "    for s in f.samples:",
        "        print('S', s.name)");
    Process p;
    try {
      // Debian's python3 (where its python3-prometheus-client lives), not a pyenv or venv shim first on PATH
      String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
      p = new ProcessBuilder(python, "-c", script).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("python3 is needed to parse the scrape (Debian: python3-prometheus-client)", e);
    }
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(what + ": the Prometheus parser refused the scrape (Debian's python3-prometheus-client"
        + " installed?):\n" + out).isZero();
    List<String> families = new ArrayList<>();
    Set<String> samples = new TreeSet<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("F ")) {
        families.add(line.substring(2));
      } else if (line.startsWith("S ")) {
        samples.add(line.substring(2));
      }
    }
    assertThat(families).as(what + " families").containsAll(expected);
    for (String f : families) {
      String[] nt = f.split(" ");
      if (nt[0].startsWith("portcullis_")) {
        assertThat(nt[0]).as(what + ": " + f + " is snake_case without a _total of its own").matches("[a-z][a-z0-9_]*")
            .doesNotEndWith("_total");
        if (nt[1].equals("counter")) {
          assertThat(samples).as(what + ": counter " + nt[0] + " samples end in _total").contains(nt[0] + "_total");
        }
        assertThat(nt[0]).as(what + ": " + f + " has no unit other than the base units").doesNotContain("millis", "micros");
      }
    }
    return samples;
  }
}
