package dev.portcullis.app;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's traffic story, sent to the sample service on loopback: ordinary users, a scraper that
 * backs off for its {@code Retry-After} and comes back, a /24 of rotating polite addresses, and an
 * admin on the allowlist-only proxy whom the operator allowlists for 20 s. It remembers the last
 * answer each actor got, for the progress line. Thread-safe: the timers call it concurrently.
 */
final class DemoStory {

  private final PrintStream out;
  private final HttpClient http;
  private final String scraper;
  private final String admin;
  private final AtomicReference<String> scraperStatus = new AtomicReference<>("-");
  private final AtomicReference<String> subnetStatus = new AtomicReference<>("-");
  private final AtomicReference<String> adminStatus = new AtomicReference<>("-");
  private final AtomicLong scraperPausedUntil = new AtomicLong();
  private final AtomicBoolean adminWasAllowed = new AtomicBoolean();
  private final AtomicBoolean adminExpired = new AtomicBoolean();

  DemoStory(PrintStream out, HttpClient http, String scraper, String admin) {
    this.out = out;
    this.http = http;
    this.scraper = scraper;
    this.admin = admin;
  }

  /** The last answer of each actor, e.g. {@code  | scraper 429 | subnet 200 | admin 403}. */
  String statusLine() {
    return String.format(" | scraper %s | subnet %s | admin %s", scraperStatus.get(), subnetStatus.get(), adminStatus.get());
  }

  /** True once the admin was refused again after its allow entry expired. */
  boolean adminExpired() {
    return adminExpired.get();
  }

  /** Schedules the story on {@code timers} against the sample service and the notifier's API. */
  void start(ScheduledExecutorService timers, String service, String api, String token) {
    // ordinary users: 20 addresses, 2 requests per second each
    timers.scheduleAtFixedRate(() -> {
      for (int i = 1; i <= 20; i++) {
        get(service + "/shop/items/" + i, "100.64.0." + i, "user", null);
      }
    }, 0, 500, TimeUnit.MILLISECONDS);
    // the scraper: 60 req/s from t=3s, pausing while refused and coming back after Retry-After
    timers.scheduleAtFixedRate(() -> {
      if (System.currentTimeMillis() < scraperPausedUntil.get()) {
        return;
      }
      for (int i = 0; i < 6; i++) {
        get(service + "/shop/items/" + (1000 + i), scraper, "scraper", scraperStatus);
      }
    }, 3000, 100, TimeUnit.MILLISECONDS);
    // a /24 of rotating addresses from t=8s: 60 addresses x 4 req/s, each under the per-IP limit
    AtomicLong next = new AtomicLong();
    timers.scheduleAtFixedRate(() -> {
      for (int i = 0; i < 24; i++) {
        long k = next.getAndIncrement() % 60;
        get(service + "/shop/items", "198.51.100." + (10 + k), "subnet", subnetStatus);
      }
    }, 8000, 100, TimeUnit.MILLISECONDS);
    // the admin tries the proxy every second; the operator allowlists them for 20 s at t=6s
    timers.scheduleAtFixedRate(() -> get(service + "/proxy/console", admin, "admin", adminStatus), 1000, 1000,
        TimeUnit.MILLISECONDS);
    timers.schedule(() -> {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/lists/allow"))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"cidr\":\"" + admin + "\",\"app\":\"proxy\",\"ttl\":\"20s\","
                + "\"note\":\"admin login (demo)\"}")).build(), HttpResponse.BodyHandlers.ofString());
        out.println("  >> operator: allowlisted admin " + admin + " on 'proxy' for 20 s (HTTP " + r.statusCode() + ")");
      } catch (Exception e) {
        out.println("  >> operator: allowlisting the admin failed: " + e);
      }
    }, 6, TimeUnit.SECONDS);
  }

  private void get(String url, String clientIp, String actor, AtomicReference<String> status) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("X-Forwarded-For", clientIp)
        .timeout(Duration.ofSeconds(5)).GET().build();
    http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
      String code = e != null ? "err" : Integer.toString(r.statusCode());
      if (status != null) {
        status.set(code);
      }
      if (e == null && actor.equals("scraper") && r.statusCode() == 429) {
        long retry = r.headers().firstValueAsLong("Retry-After").orElse(1);
        if (scraperPausedUntil.get() < System.currentTimeMillis()) {
          scraperPausedUntil.set(System.currentTimeMillis() + retry * 1000 + 1000);
        }
      }
      if (e == null && actor.equals("admin")) {
        if (r.statusCode() == 200) {
          adminWasAllowed.set(true);
        } else if (adminWasAllowed.get() && adminExpired.compareAndSet(false, true)) {
          out.println("  >> the admin's 20 s allow entry expired: the proxy refuses " + admin + " again (HTTP "
              + r.statusCode() + ")");
        }
      }
    });
  }
}
