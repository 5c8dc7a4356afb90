package dev.portcullis.aggregator.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A tiny admin endpoint (on 127.0.0.1 unless told otherwise): {@code GET /health} (200 when every check is healthy, else
 * 503) and {@code GET /metrics}, both JSON, and {@code GET /prometheus}. Put a reverse proxy in front to expose it elsewhere.
 */
public final class AdminServer implements AutoCloseable {

  private final HttpServer server;
  private final ObjectMapper json = new ObjectMapper();

  /** @param prometheus served at {@code /prometheus} in Prometheus's text format by its own handler */
  public AdminServer(String host, int port, Supplier<Map<String, Object>> health, Supplier<Map<String, Object>> metrics,
      io.prometheus.metrics.model.registry.PrometheusRegistry prometheus) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the admin port " + host + ":" + port, e);
    }
    server.createContext("/health", ex -> {
      Map<String, Object> h = health.get();
      boolean ok = h.values().stream().allMatch(v -> v instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("healthy")));
      respond(ex, ok ? 200 : 503, h);
    });
    server.createContext("/metrics", ex -> respond(ex, 200, metrics.get()));
    server.createContext("/prometheus", new io.prometheus.metrics.exporter.httpserver.MetricsHandler(prometheus));
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void respond(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
