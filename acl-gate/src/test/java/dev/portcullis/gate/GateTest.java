package dev.portcullis.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.http.ForwardingHeader;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.watch.SnapshotFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate on loopback, over real HTTP, with a client deciding from a snapshot file (no Kafka, no
 * ZooKeeper): what each proxy protocol is answered for an allowed, a denied and a limited request,
 * which address it judges, whom it answers at all.
 */
class GateTest {

  private static final String DENIED = "198.51.100.66";

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();
  private Gate gate;

  private Gate start(List<String> trusted, boolean rateLimitHeaders, long localLimit) throws Exception {
    Path snapshot = tmp.resolve("rules.snapshot");
    new SnapshotFile(snapshot, new ConfigTreeCodec(new ConfigCodec())).write(new ConfigSnapshot(GlobalPolicy.DEFAULT,
        List.of(), List.of(), Map.of("shop", new AppConfig("shop", AppPolicy.DEFAULT, List.of(), List.of(),
            List.of(new ListEntry(Cidr.parse(DENIED), null, "abuse", "test", 1)))), 3));
    GateSettings s = new GateSettings("shop", "gate-test", null, null, null, snapshot, "127.0.0.1", 0,
        trusted.stream().map(Cidr::parse).toList(), ForwardingHeader.X_FORWARDED_FOR, "X-Api-Client", rateLimitHeaders, 4);
    MetricRegistry metrics = new MetricRegistry();
    AclClient client = AclClient.builder("shop").node("gate-test").snapshotFile(snapshot).metrics(metrics)
        .localLimitPerSecond(localLimit).build();
    gate = new Gate(s, client, metrics).start();
    assertThat(client.awaitRules(Duration.ofSeconds(10))).isTrue();
    return gate;
  }

  @AfterEach
  void stop() {
    if (gate != null) {
      gate.close();
    }
  }

  private HttpResponse<String> call(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gate.port() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> nginx(String clientChain) throws Exception {
    return call("/nginx", "X-Original-Method", "GET", "X-Original-URI", "/items/42?x=1", "X-Forwarded-For", clientChain);
  }

  @Test
  void nginx_allowed204_denied403_limited403WithTheRealStatusAndRetryAfter() throws Exception {
    start(List.of("127.0.0.1/32"), false, 2);

    assertThat(nginx("203.0.113.5").statusCode()).isEqualTo(204);
    HttpResponse<String> denied = nginx(DENIED);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.headers().firstValue(GateAnswer.STATUS_HEADER)).hasValue("403");
    assertThat(denied.headers().firstValue(GateAnswer.REASON_HEADER)).hasValue("DENY_LIST");

    nginx("203.0.113.7");
    nginx("203.0.113.7");
    HttpResponse<String> limited = nginx("203.0.113.7");
    assertThat(limited.statusCode()).as("nginx passes on only 401 and 403").isEqualTo(403);
    assertThat(limited.headers().firstValue(GateAnswer.STATUS_HEADER)).hasValue("429");
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(limited.headers().firstValue("RateLimit")).as("off unless asked for").isEmpty();
  }

  @Test
  void traefikAndEnvoy_getTheRealStatuses_andTheRateLimitHeaderWhenAskedFor() throws Exception {
    start(List.of("127.0.0.1/32"), true, 2);

    assertThat(call("/traefik", "X-Forwarded-Method", "POST", "X-Forwarded-Uri", "/cart", "X-Forwarded-For", "203.0.113.5")
        .statusCode()).isEqualTo(200);
    assertThat(call("/traefik", "X-Forwarded-Method", "POST", "X-Forwarded-Uri", "/cart", "X-Forwarded-For", DENIED)
        .statusCode()).isEqualTo(403);
    assertThat(call("/envoy/items/42", "X-Forwarded-For", "203.0.113.6").statusCode()).isEqualTo(200);
    call("/envoy/items/42", "X-Forwarded-For", "203.0.113.8");
    call("/envoy/items/42", "X-Forwarded-For", "203.0.113.8");
    HttpResponse<String> limited = call("/envoy/items/42", "X-Forwarded-For", "203.0.113.8");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(limited.headers().firstValue("RateLimit")).hasValue("\"portcullis\";r=0;t=1");
  }

  @Test
  void theClientAddress_isTheRightmostHopThatIsNotATrustedProxy() throws Exception {
    start(List.of("127.0.0.1/32", "10.0.0.0/8"), false, 1000);

    assertThat(nginx("203.0.113.5, " + DENIED + ", 10.1.2.3").statusCode()).as("the load balancer hop skipped")
        .isEqualTo(403);
    assertThat(nginx(DENIED + ", 203.0.113.5").statusCode()).as("what the client wrote left of it is ignored")
        .isEqualTo(204);
  }

  @Test
  void onlyTheTrustedProxiesAreAnswered() throws Exception {
    start(List.of("10.0.0.0/8"), false, 1000);

    HttpResponse<String> r = nginx("203.0.113.5");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue(GateAnswer.REASON_HEADER)).hasValue("UNTRUSTED_CALLER");
    assertThat(gate.metrics().calls(ProxyProtocol.NGINX, "untrusted")).isEqualTo(1);
  }

  @Test
  void aProxyThatSendsNoOriginalRequest_is400NamingTheHeaders() throws Exception {
    start(List.of("127.0.0.1/32"), false, 1000);

    HttpResponse<String> r = call("/nginx", "X-Forwarded-For", "203.0.113.5");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("X-Original-Method and X-Original-URI");
  }

  @Test
  void metricsAndHealth_areServed() throws Exception {
    start(List.of("127.0.0.1/32"), false, 1000);
    nginx(DENIED);
    nginx("203.0.113.5");

    assertThat(call("/healthz").statusCode()).isEqualTo(200);
    String text = call("/metrics").body();
    assertThat(text).contains("portcullis_gate_calls_total{answer=\"deny\",protocol=\"nginx\"} 1.0",
        "portcullis_gate_calls_total{answer=\"allow\",protocol=\"nginx\"} 1.0",
        "portcullis_client_decisions_total{app=\"shop\",outcome=\"deny\"} 1.0",
        "# TYPE portcullis_client_config_age_seconds gauge");
  }

  @Test
  void aSettingsFile_isReadWithItsDefaults_andAMistakeNamesTheSetting() throws Exception {
    Path ok = Files.writeString(tmp.resolve("gate.yml"), "app: shop\nkafka: {bootstrapServers: \"127.0.0.1:9092\"}\n");
    GateSettings s = GateSettings.load(ok);
    assertThat(s.host()).isEqualTo("127.0.0.1");
    assertThat(s.port()).isEqualTo(8181);
    assertThat(s.trustedProxies()).containsExactly(Cidr.parse("127.0.0.1/32"), Cidr.parse("::1/128"));

    Path typo = Files.writeString(tmp.resolve("typo.yml"), "app: shop\nlisten: {prot: 8181}\n");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> GateSettings.load(typo)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("typo.yml").hasMessageContaining("prot");
    Path badProxy = Files.writeString(tmp.resolve("proxy.yml"), "app: shop\ntrustedProxies: [\"10.0.0.0/33\"]\n");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> GateSettings.load(badProxy)))
        .hasMessageContaining("trustedProxies");
  }

  @Test
  void aPortAlreadyTaken_failsTheStart_andCloseStillWorks() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      GateSettings s = new GateSettings("shop", "gate-test", null, null, null, null, "127.0.0.1", taken.getLocalPort(),
          List.of(Cidr.parse("127.0.0.1/32")), ForwardingHeader.X_FORWARDED_FOR, null, false, 2);
      MetricRegistry metrics = new MetricRegistry();
      Gate g = new Gate(s, AclClient.builder("shop").node("gate-test").metrics(metrics).build(), metrics);
      assertThat(org.assertj.core.api.Assertions.catchThrowable(g::start)).isInstanceOf(java.io.IOException.class);
      g.close();
      g.close();
    }
  }
}
