package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.address.Cidr;
import dev.portcullis.client.http.ForwardingHeader;
import dev.portcullis.config.Ladder;
import dev.portcullis.config.ListEntry;
import dev.portcullis.gate.Gate;
import dev.portcullis.gate.GateMain;
import dev.portcullis.gate.GateSettings;
import dev.portcullis.keys.ListKind;
import dev.portcullis.servers.Ports;
import dev.portcullis.testkit.Timeouts;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real nginx (Debian's package) in front of a sample upstream, asking a gate about every request
 * with the shipped configuration ({@code config/nginx-gate.conf}, its ports changed) while the gate's
 * client runs against a real stack. nginx sits behind a load balancer on 127.0.0.1 that the gate trusts,
 * so each request's {@code X-Forwarded-For} names its client. A denied address gets 403 through nginx,
 * an allowlisted one passes inside a denied block, an offender is throttled (429 with Retry-After) once
 * its accesses, reported by the gate, have been counted and judged.
 */
class NginxGateIT {

  private static final String DENIED = "198.51.100.66";
  private static final String ALLOWED_IN_DENIED_BLOCK = "192.0.2.10";
  private static final String OFFENDER = "203.0.113.99";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void throughNginx_deniedIs403_allowlistedPasses_offenderIsThrottled() throws Exception {
    String nginx = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
    DemoStack.Options options = new DemoStack.Options(20,
        new Ladder(List.of(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(30)), true),
        Duration.ofMinutes(5), 1_000_000, 1, "nginx-token", false);
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", ex -> {
      byte[] body = ("upstream served " + ex.getRequestURI()).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    upstream.start();
    Process proxy = null;
    try (DemoStack stack = new DemoStack(options, System.out::println).start()) {
      stack.store().addEntry("shop", ListKind.DENY, new ListEntry(Cidr.parse(DENIED), null, "abuse", "it", 1), false);
      stack.store().addEntry("shop", ListKind.DENY, new ListEntry(Cidr.parse("192.0.2.0/24"), null, "abuse", "it", 1), false);
      stack.store().addEntry("shop", ListKind.ALLOW,
          new ListEntry(Cidr.parse(ALLOWED_IN_DENIED_BLOCK + "/32"), null, "the admin", "it", 1), false);

      GateSettings settings = new GateSettings("shop", "nginx:gate", stack.kafkaBootstrap(), null,
          stack.zooKeeperConnect(), stack.directory().resolve("gate.snapshot"), "127.0.0.1", 0,
          List.of(Cidr.parse("127.0.0.1/32")), ForwardingHeader.X_FORWARDED_FOR, null, true, 8);
      MetricRegistry metrics = new MetricRegistry();
      try (Gate gate = new Gate(settings, GateMain.client(settings, metrics), metrics).start()) {
        int nginxPort = Ports.freeLoopbackPort();
        proxy = startNginx(nginx, stack.directory().resolve("nginx"), gate.port(), nginxPort,
            upstream.getAddress().getPort());
        String base = "http://127.0.0.1:" + nginxPort;

        Timeouts.await("nginx to serve through the gate", Duration.ofSeconds(30),
            () -> get(base + "/items/1", "203.0.113.5").statusCode() == 200);
        HttpResponse<String> ok = get(base + "/items/1", "203.0.113.5");
        assertThat(ok.body()).isEqualTo("upstream served /items/1");

        Timeouts.await("the deny list in force at the gate", Duration.ofSeconds(30),
            () -> get(base + "/items/1", DENIED).statusCode() == 403);
        assertThat(get(base + "/items/1", "192.0.2.11").statusCode()).as("a neighbour in the denied block").isEqualTo(403);
        assertThat(get(base + "/items/1", ALLOWED_IN_DENIED_BLOCK).statusCode()).as("the allowlisted admin").isEqualTo(200);

        // the offender: 40 requests a second, over the limit of 20, until nginx answers 429
        long deadline = System.nanoTime() + Timeouts.scaled(Duration.ofSeconds(60)).toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
          last = get(base + "/items/2", OFFENDER);
          if (last.statusCode() == 429) {
            break;
          }
          Thread.sleep(25);
        }
        assertThat(last).isNotNull();
        assertThat(last.statusCode()).as("the offender throttled through nginx").isEqualTo(429);
        assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(
            v -> assertThat(Long.parseLong(v)).isBetween(1L, 30L));
        assertThat(last.headers().firstValue("RateLimit")).hasValueSatisfying(v -> assertThat(v).startsWith("\"portcullis\";r=0;t="));
        assertThat(get(base + "/items/2", "203.0.113.5").statusCode()).as("everyone else still served").isEqualTo(200);
      }
    } finally {
      if (proxy != null) {
        proxy.destroy();
        proxy.waitFor(10, TimeUnit.SECONDS);
      }
      upstream.stop(0);
    }
  }

  private HttpResponse<String> get(String url, String clientAddress) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).header("X-Forwarded-For", clientAddress)
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** nginx in the foreground on loopback, with the shipped server block (config/nginx-gate.conf) on our ports. */
  private static Process startNginx(String nginx, Path dir, int gatePort, int port, int upstreamPort) throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    String server = Files.readString(Path.of("..", "config", "nginx-gate.conf"))
        .replace("127.0.0.1:8181", "127.0.0.1:" + gatePort)
        .replace("listen 127.0.0.1:8088", "listen 127.0.0.1:" + port)
        .replace("http://127.0.0.1:8080", "http://127.0.0.1:" + upstreamPort);
    assertThat(server).as("the shipped file's ports were found").contains(":" + gatePort, ":" + port, ":" + upstreamPort);
    Files.writeString(dir.resolve("portcullis.conf"), server);
    boolean root = "root".equals(System.getProperty("user.name"));
    Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
        root ? "user root;" : "",
        "daemon off;",
        "worker_processes 1;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("logs/error.log") + " warn;",
        "events { worker_connections 256; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + dir.resolve("body") + ";",
        "  proxy_temp_path " + dir.resolve("proxy") + ";",
        "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
        "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
        "  scgi_temp_path " + dir.resolve("scgi") + ";",
        "  include " + dir.resolve("portcullis.conf") + ";",
        "}", ""));
    Process p;
    try {
      p = new ProcessBuilder(nginx, "-e", dir.resolve("logs/error.log").toString(), "-p", dir + File.separator,
          "-c", dir.resolve("nginx.conf").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("nginx is needed (Debian: apt-get install nginx-light; .ci/run installs it): " + e, e);
    }
    Process started = p;
    Timeouts.await("nginx to listen on " + port, Duration.ofSeconds(20), () -> {
      assertThat(started.isAlive()).as("nginx running: " + Files.readString(dir.resolve("nginx.out"))).isTrue();
      return dev.portcullis.servers.Ports.isOpen(port);
    });
    return p;
  }
}
