package dev.portcullis.app;

import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.testkit.Timeouts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** What the end-to-end tests ask the clients and the notifiers of a stack. */
final class StackProbes {

  private static final AtomicInteger PROBES = new AtomicInteger();

  private StackProbes() {}

  /** A check from a new address each time, so that probing never trips a per-address limit. */
  static Decision probe(AclClient c, String iface, String caller) {
    return c.check("198.18.9." + PROBES.incrementAndGet() % 250, iface, caller);
  }

  /** Waits until every client denies {@code offender} with an intercept at {@code level} of the ladder. */
  static void awaitLevel(List<AclClient> clients, String offender, int level) {
    Timeouts.await("the offender denied at level " + level + " on all clients", Duration.ofSeconds(60),
        () -> clients.stream().allMatch(c -> {
          Decision d = c.check(offender, "GET /");
          return d.reason() == Decision.Reason.INTERCEPT && d.detail().contains("level " + level + ":");
        }));
  }

  /**
   * Starts notifier {@code notifier-child} of {@code stack} in a child JVM (for a test to kill it with
   * SIGKILL) on {@code port}, and waits until it leads.
   */
  static Process startLeadingChildNotifier(DemoStack stack, int port, Duration sessionTimeout, HttpClient http)
      throws IOException {
    java.nio.file.Path yml = stack.notifierConfig("notifier-child", port, sessionTimeout);
    String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(javaBin, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
        "dev.portcullis.app.Launcher", "notifier", yml.toString()))
        .redirectErrorStream(true)
        .redirectOutput(stack.directory().resolve("notifier-child.out").toFile())
        .start();
    try {
      Timeouts.await("the child notifier to lead", Duration.ofSeconds(60), () -> {
        if (!child.isAlive()) {
          throw new AssertionError("the child notifier exited: see " + stack.directory().resolve("notifier-child.out"));
        }
        return bodyOrEmpty(http, "http://127.0.0.1:" + stack.adminPort("notifier-child") + "/healthcheck")
            .contains("leader notifier-child");
      });
    } catch (RuntimeException | AssertionError e) {
      child.destroyForcibly();
      throw e;
    }
    return child;
  }

  /** The body of a GET, or "" while the server does not answer (for polling). */
  static String bodyOrEmpty(HttpClient http, String url) {
    return bodyOrEmpty(http, url, null);
  }

  /** The same with an {@code Authorization} header (e.g. {@code Bearer <token>}), if not null. */
  static String bodyOrEmpty(HttpClient http, String url, String authorization) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2));
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
