package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.Timeouts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The main job as a user meets it, in-process: the demo's story bounded to 40 s must show the scraper
 * denied and escalated, the subnet caught by the prefix rule and the admin's allow entry expiring (the
 * last of these, at about 27 s: the story is scripted by the clock), name its logs and keep them, and
 * leave nothing in the temporary directory. With {@code --no-traffic} it counts the traffic someone
 * else sends.
 */
class DemoIT {

  private static final Pattern SERVICE = Pattern.compile("sample service http://127\\.0\\.0\\.1:(\\d+)/shop/items");
  private static final Pattern RATE = Pattern.compile("\\[\\s*\\d+s]\\s+(\\d+) req/s \\(ok\\s+(\\d+)");

  private static Set<String> portcullisTempEntries() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("portcullis-") && !n.startsWith("portcullis-redis-bin"))
          .collect(Collectors.toSet());
    }
  }

  @Test
  void demoStory_showsEscalationPrefixCatchAndTtlExpiry_andKeepsItsLogs() throws Exception {
    Set<String> tempBefore = portcullisTempEntries();
    Path logs = Files.createTempDirectory(Path.of("target"), "demo-logs-");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = new Demo(out, Duration.ofSeconds(40), true, logs).play();
    String text = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(text);
    assertThat(code).isZero();
    assertThat(text)
        .contains("intercept: 203.0.113.66 in 'shop' at level 1")
        .contains("intercept: 203.0.113.66 in 'shop' at level 2")
        .contains("intercept: 198.51.100.0/24 in 'shop' at level 1")
        .contains("operator: allowlisted admin 192.0.2.10 on 'proxy' for 20 s (HTTP 201)")
        .contains("the admin's 20 s allow entry expired")
        .contains("logs           " + logs.resolve("notifier-1.log"))
        .contains("stopped. Logs kept in " + logs);
    assertThat(logs.resolve("notifier-1.log")).exists();
    assertThat(portcullisTempEntries()).as("what the demo left in the temporary directory").isSubsetOf(tempBefore);
  }

  @Test
  void noTraffic_countsTheRequestsSomeoneElseSends() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Path logs = Files.createTempDirectory(Path.of("target"), "demo-logs-");
    CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> {
      try {
        return new Demo(out, Duration.ofSeconds(15), false, logs).play();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    String[] port = new String[1];
    Timeouts.await("the demo's banner", Duration.ofSeconds(120), () -> {
      Matcher m = SERVICE.matcher(bytes.toString(StandardCharsets.UTF_8));
      if (m.find()) {
        port[0] = m.group(1);
      }
      return port[0] != null;
    });
    // one request from each of 300 addresses in three /24s: under every limit of the demo
    HttpClient http = HttpClient.newHttpClient();
    int sent = 0;
    for (int i = 0; i < 300; i++) {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port[0] + "/shop/items"))
          .header("X-Forwarded-For", "198.18." + (i / 100) + "." + (1 + i % 100)).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).isEqualTo(200);
      sent++;
    }
    assertThat(demo.get(120, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    String text = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(text);
    assertThat(text).contains("no traffic is generated").doesNotContain("watch: the scraper").doesNotContain("scraper -");
    long counted = 0;
    Matcher m = RATE.matcher(text);
    while (m.find()) {
      counted += Long.parseLong(m.group(2));
    }
    assertThat(counted).as("allowed requests counted on the progress lines (%d sent)", sent).isEqualTo(sent);
  }
}
