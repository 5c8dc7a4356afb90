package dev.portcullis.notifier.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.address.Cidr;
import dev.portcullis.notifier.intercept.NoticeSink;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.InterceptNotice;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Alerts against a real local HTTP server on loopback that fails at first, then accepts. */
class WebhookAlertsTest {

  private static final NoticeSink NOTHING = new NoticeSink() {
    @Override
    public void publish(InterceptNotice notice) {}

    @Override
    public void release(String noticeKey) {}

    @Override
    public void audit(AuditRecord record) {}
  };

  private static AuditRecord audit(AuditRecord.Kind kind) {
    return new AuditRecord("a", 1, "notifier", kind, "shop", Cidr.parse("203.0.113.7"), 1, "84 req/s > 50 req/s", 3, Map.of());
  }

  @Test
  void newInterceptsAreDeliveredWithRetries_releasesAreNot() throws IOException {
    List<String> received = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", ex -> {
      int n = calls.incrementAndGet();
      received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(n == 1 ? 503 : 204, -1);
      ex.close();
    });
    server.start();
    try (WebhookAlerts alerts = new WebhookAlerts(NOTHING,
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"), 10, 3, Duration.ofMillis(10))) {
      alerts.start();
      alerts.audit(audit(AuditRecord.Kind.INTERCEPT_RELEASED));
      alerts.audit(audit(AuditRecord.Kind.INTERCEPT_ISSUED));
      Timeouts.await("the alert delivered", Duration.ofSeconds(10), () -> alerts.sent() == 1);
      assertThat(calls.get()).as("first attempt refused, second accepted").isEqualTo(2);
      assertThat(received).allSatisfy(b -> assertThat(b).contains("\"kind\":\"INTERCEPT_ISSUED\"").contains("203.0.113.7"));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void theWebhooksPathAndQuery_whichMayHoldItsSecret_areNeverLogged() throws IOException {
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(WebhookAlerts.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    log.addAppender(logged);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(500, -1);
      ex.close();
    });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/services/T0/B0/s3cr3t-path?token=s3cr3t-query";
    try (WebhookAlerts alerts = new WebhookAlerts(NOTHING, URI.create(url), 10, 2, Duration.ofMillis(10))) {
      alerts.start();
      alerts.audit(audit(AuditRecord.Kind.INTERCEPT_ISSUED));
      Timeouts.await("both failed attempts logged", Duration.ofSeconds(10), () -> logged.list.size() >= 2);
      assertThat(logged.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
          .contains("http://127.0.0.1:" + server.getAddress().getPort() + "/…").doesNotContain("s3cr3t"));
    } finally {
      log.detachAppender(logged);
      server.stop(0);
    }
  }

  @Test
  void fullQueue_dropsAndCountsInsteadOfBlocking() {
    WebhookAlerts alerts = new WebhookAlerts(NOTHING, URI.create("http://127.0.0.1:9/unused"), 1, 1, Duration.ofMillis(1));
    alerts.audit(audit(AuditRecord.Kind.INTERCEPT_ISSUED));
    alerts.audit(audit(AuditRecord.Kind.INTERCEPT_REFUSED));
    assertThat(alerts.dropped()).isEqualTo(1);
  }
}
