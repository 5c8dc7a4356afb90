package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.client.AclClient;
import dev.portcullis.testkit.Timeouts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless Chromium (Debian's package, driven by playwright-core from
 * {@code src/test/browser}) against a running stack: the scraper appears in the top IPs and in the
 * active intercepts, the Release button releases it, and screenshots are kept in
 * {@code target/browser/}. Runs in the Maven profile {@code browser} (which {@code .ci/run} uses after
 * installing Chromium and the npm package); without Chromium or node it fails, it does not skip.
 */
class DashboardBrowserIT {

  private static final String SCRAPER = "203.0.113.66";

  @Test
  void scraperAppearsInTheDashboardAndIsReleasedWithTheButton() throws Exception {
    Path browserDir = Path.of("src", "test", "browser").toAbsolutePath();
    assertThat(browserDir.resolve("node_modules").resolve("playwright-core"))
        .as("run 'npm ci' in portcullis-app/src/test/browser first (.ci/run does)").exists();
    Path out = Path.of("target", "browser").toAbsolutePath();
    Files.createDirectories(out);
    ScheduledExecutorService load = Executors.newScheduledThreadPool(1);
    AtomicBoolean scraping = new AtomicBoolean(true);
    try (DemoStack stack = new DemoStack(DemoStack.Options.demo(), System.out::println).start()) {
      AclClient shop = stack.client("shop", "shop-1:8080");
      load.scheduleAtFixedRate(() -> {
        for (int i = 1; i <= 10; i++) {
          shop.check("100.64.0." + i, "GET /items");
        }
        shop.check("100.64.0.1", "GET /export", "partner-9");
        if (scraping.get()) {
          for (int i = 0; i < 8; i++) {
            shop.check(SCRAPER, "GET /items");
          }
        }
      }, 0, 100, TimeUnit.MILLISECONDS);
      String url = "http://127.0.0.1:" + stack.notifierPort(1) + "/";
      Process node = new ProcessBuilder("node", browserDir.resolve("dashboard.test.mjs").toString(), url,
          stack.token(dev.portcullis.notifier.operator.Role.ADMIN), SCRAPER, out.resolve("dashboard.png").toString())
          .redirectErrorStream(true).start();
      List<String> lines = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          System.out.println("[browser] " + line);
          lines.add(line);
          if (line.startsWith("scraper is intercepted")) {
            scraping.set(false);
          }
        }
      }
      assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(node.exitValue()).as("browser test output: " + lines).isZero();
      assertThat(lines).anyMatch(l -> l.startsWith("released with the button"));
      assertThat(out.resolve("dashboard.png")).exists();
      assertThat(out.resolve("dashboard-intercepted.png")).exists();
      assertThat(lines).contains("views shown");
      assertThat(out.resolve("dashboard-views.png")).exists();
      Timeouts.await("the release at the client", Duration.ofSeconds(20), () -> shop.check(SCRAPER, "GET /").allowed());
    } finally {
      load.shutdownNow();
    }
  }
}
