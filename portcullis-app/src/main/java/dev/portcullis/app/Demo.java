package dev.portcullis.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.client.AclClient;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code portcullis demo}: the whole system on this machine, with a traffic story a newcomer can
 * follow in the terminal (a line per second) and in the dashboard:
 * <ul>
 *   <li>ordinary users browse the shop;</li>
 *   <li>a scraper (203.0.113.66) exceeds the limit, is denied, comes back after its Retry-After and
 *       is escalated up the (demo-fast) ladder: 10 s, 30 s, 2 min, permanent;</li>
 *   <li>a subnet of rotating addresses (198.51.100.0/24), each polite, is caught by the prefix rule;</li>
 *   <li>an admin (192.0.2.10) is refused by the allowlist-only proxy, gets a 20 s allow entry, and is
 *       refused again when it expires.</li>
 * </ul>
 * All traffic goes to 127.0.0.1 only. Ctrl-C stops everything.
 */
public final class Demo {

  private static final String SCRAPER = "203.0.113.66";
  private static final String ADMIN = "192.0.2.10";
  private static final String SUBNET = "198.51.100.0/24";

  private final PrintStream out;
  private final Duration duration;
  private final boolean traffic;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final AtomicReference<String> scraperStatus = new AtomicReference<>("-");
  private final AtomicReference<String> subnetStatus = new AtomicReference<>("-");
  private final AtomicReference<String> adminStatus = new AtomicReference<>("-");
  private final AtomicLong scraperPausedUntil = new AtomicLong();
  private final AtomicBoolean adminWasAllowed = new AtomicBoolean();
  private final AtomicBoolean adminExpired = new AtomicBoolean();
  private final Map<String, Integer> levelsSeen = new ConcurrentHashMap<>();
  private int maxScraperLevel;
  private boolean subnetCaught;

  Demo(PrintStream out, Duration duration, boolean traffic) {
    this.out = out;
    this.duration = duration;
    this.traffic = traffic;
  }

  static int run(String[] args) throws Exception {
    Duration duration = null;
    boolean traffic = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--no-traffic" -> traffic = false;
        case "--duration" -> {
          if (i + 1 >= args.length) {
            System.err.println("error: --duration needs a value such as 90s or 5m");
            return 2;
          }
          duration = parseDuration(args[++i]);
          if (duration == null) {
            System.err.println("error: --duration must look like 90s, 5m or 1h, was \"" + args[i] + "\"");
            return 2;
          }
        }
        case "--help", "-h" -> {
          System.out.println("usage: portcullis demo [--duration 90s] [--no-traffic]");
          System.out.println("Starts Kafka, ZooKeeper, Redis, 2 aggregators, the notifier with its dashboard and a sample");
          System.out.println("service on 127.0.0.1, then plays a traffic story. Ctrl-C stops everything.");
          return 0;
        }
        default -> {
          System.err.println("error: unknown demo option \"" + args[i] + "\" (try --help)");
          return 2;
        }
      }
    }
    return new Demo(System.out, duration, traffic).play();
  }

  static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (!t.matches("\\d{1,6}[smh]")) {
      return null;
    }
    long n = Long.parseLong(t.substring(0, t.length() - 1));
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  int play() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    DemoStack.Options options = DemoStack.Options.demo();
    try (DemoStack stack = new DemoStack(options, out::println)) {
      Thread hook = new Thread(() -> {
        stop.countDown();
        stack.close();
      }, "portcullis-demo-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      stack.start();
      AclClient shop = stack.client("shop", "shop-1:8080");
      AclClient proxy = stack.client("proxy", "proxy-1:8443");
      SampleService service = stack.own(new SampleService(shop, proxy));
      service.start();
      int api = stack.notifierPort(1);
      out.println();
      out.println("Portcullis demo is running on 127.0.0.1:");
      out.println("  dashboard      http://127.0.0.1:" + api + "/   (API token for the buttons: " + options.apiToken() + ")");
      out.println("  sample service http://127.0.0.1:" + service.port() + "/shop/items   (OPEN app 'shop')");
      out.println("                 http://127.0.0.1:" + service.port() + "/proxy/console (CLOSED app 'proxy')");
      out.println("  limits: 20 req/s per IP, 150 req/s per /24; ladder 10s -> 30s -> 2m -> permanent (demo-fast)");
      out.println("  watch: the scraper " + SCRAPER + " in 'Top IPs' and 'Active intercepts', the subnet " + SUBNET
          + ", and the admin " + ADMIN + " on the proxy.");
      out.println("  stop with Ctrl-C" + (duration == null ? "" : "; stopping by itself after " + duration.toSeconds() + "s"));
      out.println();
      ScheduledExecutorService timers = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "portcullis-demo-traffic");
        t.setDaemon(true);
        return t;
      });
      try {
        if (traffic) {
          story(timers, "http://127.0.0.1:" + service.port(), "http://127.0.0.1:" + api, options.apiToken());
        }
        long started = System.nanoTime();
        timers.scheduleAtFixedRate(() -> progress(started, "http://127.0.0.1:" + api), 1, 1, TimeUnit.SECONDS);
        if (duration == null) {
          stop.await();
        } else {
          stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        }
      } finally {
        timers.shutdownNow();
        timers.awaitTermination(5, TimeUnit.SECONDS);
      }
      out.println();
      if (traffic) {
        out.println("summary: scraper reached level " + maxScraperLevel + " of the ladder; subnet " + SUBNET
            + (subnetCaught ? " was caught by the prefix rule" : " was not caught") + "; admin allow entry "
            + (adminExpired.get() ? "expired and the proxy refused the admin again" : "had not expired yet"));
      }
      out.println("stopping everything ...");
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is already running and closes the stack
      }
    }
    out.println("stopped.");
    return 0;
  }

  private void story(ScheduledExecutorService timers, String service, String api, String token) {
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
        get(service + "/shop/items/" + (1000 + i), SCRAPER, "scraper", scraperStatus);
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
    timers.scheduleAtFixedRate(() -> get(service + "/proxy/console", ADMIN, "admin", adminStatus), 1000, 1000,
        TimeUnit.MILLISECONDS);
    timers.schedule(() -> {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/lists/allow"))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"cidr\":\"" + ADMIN + "\",\"app\":\"proxy\",\"ttl\":\"20s\","
                + "\"note\":\"admin login (demo)\",\"by\":\"demo-operator\"}")).build(), HttpResponse.BodyHandlers.ofString());
        out.println("  >> operator: allowlisted admin " + ADMIN + " on 'proxy' for 20 s (HTTP " + r.statusCode() + ")");
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
      counts.computeIfAbsent(actor + " " + code, k -> new AtomicLong()).incrementAndGet();
      counts.computeIfAbsent("all " + code, k -> new AtomicLong()).incrementAndGet();
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
          out.println("  >> the admin's 20 s allow entry expired: the proxy refuses " + ADMIN + " again (HTTP "
              + r.statusCode() + ")");
        }
      }
    });
  }

  private long take(String key) {
    AtomicLong a = counts.get(key);
    return a == null ? 0 : a.getAndSet(0);
  }

  private void progress(long started, String api) {
    try {
      long t = (System.nanoTime() - started) / 1_000_000_000L;
      String intercepts = describeIntercepts(api);
      if (Thread.currentThread().isInterrupted()) {
        return; // the demo is stopping
      }
      long ok = take("all 200");
      long forbidden = take("all 403");
      long limited = take("all 429");
      out.printf("[%3ds] %4d req/s (ok %4d, 403 %3d, 429 %4d) | scraper %s | subnet %s | admin %s%s%n", t,
          ok + forbidden + limited, ok, forbidden, limited, scraperStatus.get(), subnetStatus.get(), adminStatus.get(),
          intercepts);
    } catch (RuntimeException e) {
      out.println("  (progress: " + e + ")");
    }
  }

  private String describeIntercepts(String api) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/intercepts")).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode list = json.readTree(r.body());
      StringBuilder sb = new StringBuilder();
      for (JsonNode n : list) {
        String target = n.get("target").asText();
        int level = n.get("level").asInt();
        String key = target + "#" + n.get("id").asText();
        if (levelsSeen.putIfAbsent(key, level) == null) {
          out.println("  >> intercept: " + target + " in '" + n.get("app").asText() + "' at level " + level + " for "
              + (n.get("expiresAt").isNull() ? "ever" : (n.get("expiresAt").asLong() - n.get("issuedAt").asLong()) / 1000 + "s")
              + ": " + n.get("reason").asText());
          if (target.equals(SCRAPER)) {
            maxScraperLevel = Math.max(maxScraperLevel, level);
          }
          if (target.equals(SUBNET)) {
            subnetCaught = true;
          }
        }
        sb.append(sb.length() == 0 ? " | intercepts: " : ", ").append(target).append(" L").append(level)
            .append(n.get("secondsLeft").isNull() ? " perm" : " " + n.get("secondsLeft").asLong() + "s");
      }
      return sb.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    } catch (Exception e) {
      return " | intercepts: ? (" + e.getClass().getSimpleName() + ")";
    }
  }
}
