package dev.portcullis.gate;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.codahale.metrics.MetricRegistry;
import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.client.http.ClientIpResolver;
import dev.portcullis.client.http.InterfaceNamer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate: a small HTTP service beside a proxy that embeds the client and answers the proxy's
 * external-authorization calls ({@link ProxyProtocol}): each request costs the proxy one loopback call,
 * decided in memory, never a call to Kafka, ZooKeeper or Redis; the access is reported like any
 * service's. Only the trusted proxies are answered (anyone else gets 403 and is counted), and the
 * client address is read from the forwarding header they write, under the same rules as the filters
 * ({@link ClientIpResolver}). Also {@code GET /healthz} (200 once rules are in force, else 503) and
 * {@code GET /metrics} (Prometheus text).
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} idempotent; it owns the client it is given.
 */
public final class Gate implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gate.class);

  private enum State { LATENT, STARTED, CLOSED }

  private final GateSettings settings;
  private final AclClient client;
  private final ClientIpResolver resolver;
  private final GateMetrics metrics;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private HttpServer server;
  private ExecutorService threads;

  /** @param clientMetrics the registry the client was built with ({@code AclClientBuilder.metrics}) */
  public Gate(GateSettings settings, AclClient client, MetricRegistry clientMetrics) {
    if (!settings.app().equals(client.app())) {
      throw new IllegalArgumentException("the gate is for app " + settings.app() + " but its client for " + client.app());
    }
    this.settings = settings;
    this.client = client;
    this.resolver = new ClientIpResolver(settings.trustedProxies(), settings.forwardingHeader());
    this.metrics = new GateMetrics(clientMetrics);
  }

  /** Starts the client and listens; returns once the port is bound. */
  public Gate start() throws IOException {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("a gate starts once; it is " + state.get());
    }
    client.start();
    AtomicInteger n = new AtomicInteger();
    threads = Executors.newFixedThreadPool(settings.threads(), r -> {
      Thread t = new Thread(r, "portcullis-gate-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 1024);
    server.setExecutor(threads);
    for (ProxyProtocol p : ProxyProtocol.values()) {
      server.createContext(p.path(), ex -> authorize(p, ex));
    }
    server.createContext("/healthz", this::health);
    server.createContext("/metrics", new MetricsHandler(metrics.registry()));
    server.start();
    LOG.info("gate for app {} listening on {}:{}", settings.app(), settings.host(), port());
    return this;
  }

  /** The port it listens on (the one chosen when configured as 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  public GateMetrics metrics() {
    return metrics;
  }

  private void authorize(ProxyProtocol protocol, HttpExchange ex) {
    try (ex) {
      String peer = ex.getRemoteAddress().getAddress().getHostAddress();
      if (!trusted(peer)) {
        metrics.count(protocol, "untrusted");
        answer(ex, 403, Map.of(GateAnswer.REASON_HEADER, "UNTRUSTED_CALLER"), null);
        return;
      }
      String[] original = protocol.original(ex);
      if (original == null) {
        metrics.count(protocol, "bad_request");
        answer(ex, 400, Map.of(), "the proxy sent no " + protocol.requirement() + " (see config/nginx-gate.conf)\n");
        return;
      }
      Headers h = ex.getRequestHeaders();
      String ip = resolver.resolve(peer, name -> h.getOrDefault(name, List.of()));
      String caller = settings.callerHeader() == null ? null : h.getFirst(settings.callerHeader());
      Decision d = client.check(ip, InterfaceNamer.name(original[0], original[1]), caller);
      metrics.decided(protocol, d);
      GateAnswer a = GateAnswer.of(protocol, d, client.nowMillis(), settings.rateLimitHeaders());
      answer(ex, a.status(), a.headers(), null);
    } catch (IOException e) {
      metrics.count(protocol, "error");
      LOG.debug("answering {} failed: {}", protocol, e.toString());
    } catch (RuntimeException e) {
      // never the proxy's problem: the request is allowed, as the filters fail open
      metrics.count(protocol, "error");
      LOG.warn("deciding a {} call failed; allowing it: {}", protocol, e.toString());
      try {
        answer(ex, protocol.allowStatus(), Map.of(GateAnswer.REASON_HEADER, "FAIL_OPEN"), null);
      } catch (IOException | RuntimeException ignored) {
        // the answer had started: the proxy sees the connection end
      }
    }
  }

  private boolean trusted(String peer) {
    IpAddress a = IpAddress.tryParse(peer);
    if (a == null) {
      return false;
    }
    for (Cidr c : settings.trustedProxies()) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  private void health(HttpExchange ex) throws IOException {
    try (ex) {
      AclClient.Status s = client.status();
      answer(ex, s.rulesInForce() ? 200 : 503, Map.of("Content-Type", "text/plain"),
          (s.rulesInForce() ? "ok: " : "no rules in force yet: ") + s + "\n");
    }
  }

  private static void answer(HttpExchange ex, int status, Map<String, String> headers, String body) throws IOException {
    headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes == null ? -1 : bytes.length);
    if (bytes != null) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    State was = state.getAndSet(State.CLOSED);
    if (was != State.STARTED) {
      return;
    }
    if (server != null) { // null when the port could not be bound
      server.stop(0);
    }
    if (threads == null) {
      client.close();
      return;
    }
    threads.shutdown();
    try {
      threads.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
  }
}
