package dev.portcullis.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.client.AclClient;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import dev.portcullis.notifier.operator.Role;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Files;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
  private final Path logs;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile String viewerToken;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Integer> levelsSeen = new ConcurrentHashMap<>();
  private final DemoStory story;
  private int maxScraperLevel;
  private boolean subnetCaught;

  Demo(PrintStream out, Duration duration, boolean traffic, Path logs) {
    this.out = out;
    this.duration = duration;
    this.traffic = traffic;
    this.logs = logs;
    this.story = new DemoStory(out, http, SCRAPER, ADMIN);
  }

  /**
   * The demo's tokens in {@code ./.portcullis/demo/<role>.token} (owner-readable), so that the README's
   * commands can read them: {@code TOKEN=$(cat .portcullis/demo/operator.token)}. A new demo writes new ones.
   */
  static Path writeTokens(DemoStack stack) throws IOException {
    Path d = Path.of(System.getProperty("user.dir"), ".portcullis", "demo");
    Files.createDirectories(d);
    for (Role role : Role.values()) {
      Path f = d.resolve(role + ".token");
      Files.deleteIfExists(f);
      Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(f, stack.token(role) + "\n");
    }
    return d;
  }

  /** {@code ./portcullis-demo-logs/<start time>} under the working directory. */
  static Path defaultLogs() {
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    return Path.of(System.getProperty("user.dir"), "portcullis-demo-logs", stamp);
  }

  static int run(String[] args) throws Exception {
    Duration duration = null;
    boolean traffic = true;
    Path logs = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--no-traffic" -> traffic = false;
        case "--logs" -> {
          if (i + 1 >= args.length) {
            System.err.println("error: --logs needs a folder");
            return 2;
          }
          logs = Path.of(args[++i]).toAbsolutePath();
        }
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
          System.out.println("usage: portcullis demo [--duration 90s] [--no-traffic] [--logs DIR]");
          System.out.println("Starts Kafka, ZooKeeper, Redis, 2 aggregators, the notifier with its dashboard and a sample");
          System.out.println("service on 127.0.0.1, then plays a traffic story (none with --no-traffic). Ctrl-C stops");
          System.out.println("everything. Logs are kept in DIR (default ./portcullis-demo-logs/<start time>).");
          return 0;
        }
        default -> {
          System.err.println("error: unknown demo option \"" + args[i] + "\" (try --help)");
          return 2;
        }
      }
    }
    return new Demo(System.out, duration, traffic, logs != null ? logs : defaultLogs()).play();
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
    try (DemoStack stack = new DemoStack(options, out::println, logs)) {
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
      Path tokenDir = writeTokens(stack);
      viewerToken = stack.token(Role.VIEWER);
      out.println("  dashboard      http://127.0.0.1:" + api + "/   (paste a token into its token field)");
      out.println("  API tokens     admin " + stack.token(Role.ADMIN) + "  (policies, forced changes)");
      out.println("                 operator " + stack.token(Role.OPERATOR) + "  (intercepts, lists, limits)");
      out.println("                 viewer " + stack.token(Role.VIEWER) + "  (reads); also in " + tokenDir);
      out.println("  sample service http://127.0.0.1:" + service.port() + "/shop/items   (OPEN app 'shop')");
      out.println("                 http://127.0.0.1:" + service.port() + "/proxy/console (CLOSED app 'proxy')");
      out.println("  kafka          " + stack.kafkaBootstrap() + ", zookeeper " + stack.zooKeeperConnect());
      out.println("  security       none: plaintext, no credentials, a world-writable rules tree, on loopback only;"
          + " a deployment is secured as README \"Securing a deployment\" shows");
      out.println("  logs           " + stack.logFile("notifier-1") + "   (every component's warnings and errors)");
      out.println("  limits: 20 req/s per IP, 150 req/s per /24; ladder 10s -> 30s -> 2m -> permanent (demo-fast)");
      if (traffic) {
        out.println("  watch: the scraper " + SCRAPER + " in 'Top IPs' and 'Active intercepts', the subnet " + SUBNET
            + ", and the admin " + ADMIN + " on the proxy.");
      } else {
        out.println("  no traffic is generated; send your own, e.g.");
        out.println("    curl -H 'X-Forwarded-For: 203.0.113.9' http://127.0.0.1:" + service.port() + "/shop/items");
        out.println("  each line below counts every request the two apps decided, whoever sent it.");
      }
      out.println("  stop with Ctrl-C" + (duration == null ? "" : "; stopping by itself after " + duration.toSeconds() + "s"));
      out.println();
      ScheduledExecutorService timers = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "portcullis-demo-traffic");
        t.setDaemon(true);
        return t;
      });
      try {
        if (traffic) {
          story.start(timers, "http://127.0.0.1:" + service.port(), "http://127.0.0.1:" + api, stack.token(Role.OPERATOR));
        }
        long started = System.nanoTime();
        Decisions decisions = new Decisions(List.of(shop, proxy));
        timers.scheduleAtFixedRate(() -> progress(started, "http://127.0.0.1:" + api, decisions), 1, 1, TimeUnit.SECONDS);
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
            + (story.adminExpired() ? "expired and the proxy refused the admin again" : "had not expired yet"));
      }
      out.println("stopping everything ...");
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is already running and closes the stack
      }
    }
    out.println("stopped. Logs kept in " + logs);
    return 0;
  }

  /**
   * What the apps' clients decided since the last call, from their own counters: every request the
   * sample service saw, from the story or from outside. Called by one timer thread.
   */
  static final class Decisions {
    private final List<AclClient> clients;
    private long allowed;
    private long denied;
    private long limited;

    Decisions(List<AclClient> clients) {
      this.clients = clients;
    }

    /** {allowed, denied, limited} since the last call. */
    long[] since() {
      long a = 0;
      long d = 0;
      long l = 0;
      for (AclClient c : clients) {
        AclClient.Status s = c.status();
        a += s.allowed();
        d += s.denied();
        l += s.limited();
      }
      long[] delta = {a - allowed, d - denied, l - limited};
      allowed = a;
      denied = d;
      limited = l;
      return delta;
    }
  }

  private void progress(long started, String api, Decisions decisions) {
    try {
      long t = (System.nanoTime() - started) / 1_000_000_000L;
      String intercepts = describeIntercepts(api);
      if (Thread.currentThread().isInterrupted()) {
        return; // the demo is stopping
      }
      long[] d = decisions.since();
      out.printf("[%3ds] %4d req/s (ok %4d, 403 %3d, 429 %4d)%s%s%n", t, d[0] + d[1] + d[2], d[0], d[1], d[2],
          traffic ? story.statusLine() : "", intercepts);
    } catch (RuntimeException e) {
      out.println("  (progress: " + e + ")");
    }
  }

  private String describeIntercepts(String api) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/intercepts"))
          .header("Authorization", "Bearer " + viewerToken).build(), HttpResponse.BodyHandlers.ofString());
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
