package dev.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.watch.SnapshotFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A real Spring Boot 3 application (embedded Tomcat on loopback) with the starter on its class path and
 * nothing but {@code portcullis.*} properties: its requests pass the filter, decided from the rules of a
 * snapshot file, and the client closes with the context.
 */
class PortcullisStarterTest {

  private static final String DENIED = "198.51.100.66";

  @SpringBootApplication
  @RestController
  static class Shop {
    @GetMapping("/items")
    String items() {
      return "here are your items";
    }
  }

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  private Path snapshot() throws Exception {
    Path file = tmp.resolve("shop.snapshot");
    new SnapshotFile(file, new ConfigTreeCodec(new ConfigCodec())).write(new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(),
        List.of(), Map.of("shop", new AppConfig("shop", AppPolicy.DEFAULT, List.of(), List.of(),
            List.of(new ListEntry(Cidr.parse(DENIED), null, "abuse", "test", 1)))), 2));
    return file;
  }

  private HttpResponse<String> get(int port, String client) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/items"))
        .header("X-Forwarded-For", client).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void propertiesAlone_putTheFilterInFrontOfTheApp_andTheClientLivesWithTheContext() throws Exception {
    ConfigurableApplicationContext ctx = new SpringApplicationBuilder(Shop.class).properties(
        "server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
        "portcullis.app=shop", "portcullis.snapshot-file=" + snapshot(), "portcullis.trusted-proxies=127.0.0.1/32")
        .run();
    AclClient client = ctx.getBean(AclClient.class);
    try {
      assertThat(client.awaitRules(Duration.ofSeconds(10))).as("the snapshot's rules in force").isTrue();
      int port = Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));

      HttpResponse<String> ok = get(port, "203.0.113.5");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("here are your items");
      assertThat(get(port, DENIED).statusCode()).as("the deny list, through the starter's filter").isEqualTo(403);
      assertThat(client.status().denied()).isEqualTo(1);
      assertThat(clockThreads()).as("the client's clock runs while the context does").isPositive();
    } finally {
      ctx.close();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (clockThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(clockThreads()).as("closed with the context: its threads are gone").isZero();
    assertThat(client.check("203.0.113.5", "GET /items").allowed()).as("a closed client still answers").isTrue();
  }

  private static long clockThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("portcullis-clock-shop")).count();
  }

  @Test
  void withoutPortcullisApp_theStarterAddsNothing() {
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(Shop.class).properties(
        "server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off").run()) {
      assertThat(ctx.getBeanNamesForType(AclClient.class)).isEmpty();
      assertThat(ctx.containsBean("portcullisFilter")).isFalse();
    }
  }
}
