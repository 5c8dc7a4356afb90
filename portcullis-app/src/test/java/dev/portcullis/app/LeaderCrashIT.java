package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.Ladder;
import dev.portcullis.config.Quota;
import dev.portcullis.servers.Ports;
import dev.portcullis.testkit.Timeouts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The elected notifier runs in a child JVM and is killed with SIGKILL (no shutdown hook, no clean
 * exit from the election); the standby in this JVM takes over once the dead leader's ZooKeeper
 * session expires, and carries on with the offender's history from Redis (a 3-master cluster), and
 * with a quota release the dead leader made.
 */
class LeaderCrashIT {

  private static final String OFFENDER = "203.0.113.99";
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(4);

  @Test
  void leaderKilledHard_standbyTakesOverAfterTheSessionTimeoutAndKeepsTheHistory() throws Exception {
    DemoStack.Options options = new DemoStack.Options(20,
        new Ladder(List.of(Duration.ofSeconds(3), Duration.ofSeconds(30), Duration.ofSeconds(60)), true),
        Duration.ofMinutes(5), 1_000_000, 0, "crash-token", true);
    ScheduledExecutorService load = Executors.newScheduledThreadPool(1);
    HttpClient http = HttpClient.newHttpClient();
    Process child = null;
    try (DemoStack stack = new DemoStack(options, System.out::println).start()) {
      int childPort = Ports.freeLoopbackPort();
      child = StackProbes.startLeadingChildNotifier(stack, childPort, SESSION_TIMEOUT, http);
      stack.startNotifier(1);
      assertThat(stack.notifier(1).service().isLeader()).as("the notifier in this JVM stands by").isFalse();

      stack.store().setAppPolicy("shop", new AppPolicy(AppMode.OPEN, null, null,
          List.of(new Quota("*", "GET /export", 20)), false), stack.store().appPolicy("shop").version());
      List<AclClient> clients = List.of(stack.client("shop", "a:1"), stack.client("shop", "b:1"), stack.client("shop", "c:1"));
      AtomicInteger rotate = new AtomicInteger();
      load.scheduleAtFixedRate(() -> {
        for (AclClient c : clients) {
          for (int i = 0; i < 10; i++) {
            c.check(OFFENDER, "GET /items");
          }
          c.check("198.18.0." + rotate.incrementAndGet() % 50, "GET /export", "partner-42"); // 30/s, over 20/day
        }
      }, 0, 100, TimeUnit.MILLISECONDS);
      StackProbes.awaitLevel(clients, OFFENDER, 1);
      assertThat(stack.notifier(1).service().isLeader()).as("level 1 came from the child").isFalse();

      // partner-42 used up its quota; the leader (the child) releases it for the day on request
      Timeouts.await("partner-42 limited on every client", Duration.ofSeconds(30),
          () -> clients.stream()
              .allMatch(c -> StackProbes.probe(c, "GET /export", "partner-42").reason() == Decision.Reason.QUOTA));
      HttpResponse<String> released = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + childPort
              + "/api/intercepts?app=shop&caller=partner-42&iface=GET%20/export"))
          .header("Authorization", "Bearer crash-token").DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(released.statusCode()).as(released.body()).isEqualTo(204);
      Timeouts.await("partner-42 served again on every client", Duration.ofSeconds(30),
          () -> clients.stream().allMatch(c -> StackProbes.probe(c, "GET /export", "partner-42").allowed()));

      long killed = System.nanoTime();
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      Timeouts.await("the standby to lead", Duration.ofSeconds(60), () -> stack.notifier(1).service().isLeader());
      System.out.printf("takeover: standby leads %d ms after the leader was killed (session timeout %d ms)%n",
          (System.nanoTime() - killed) / 1_000_000, SESSION_TIMEOUT.toMillis());

      // the 3 s intercept lapsed while nobody led; the offender is still at it and its history says level 1
      StackProbes.awaitLevel(clients, OFFENDER, 2);
      // the new leader has scanned for seconds while partner-42 stays over its quota: the release holds
      assertThat(clients).allSatisfy(c -> {
        Decision d = StackProbes.probe(c, "GET /export", "partner-42");
        assertThat(d.allowed()).as("partner-42 after the failover: " + d).isTrue();
      });
    } finally {
      load.shutdownNow();
      if (child != null) {
        child.destroyForcibly();
      }
    }
  }
}
