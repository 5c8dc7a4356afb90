package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.Ladder;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.ListKind;
import dev.portcullis.notifier.operator.Role;
import dev.portcullis.config.Quota;
import dev.portcullis.testkit.Timeouts;
import java.io.IOException;
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
 * Everything real: a KRaft broker, ZooKeeper, a 3-master Redis Cluster, two aggregator workers, two notifiers (one
 * elected) and three clients of one app. An IP over its limit is denied by every client, is
 * released, offends again and climbs the ladder, keeps its history when the leader goes away;
 * an allowlisted IP never is intercepted; a caller over its daily quota on one interface is limited
 * there by every client until released; API writes need the token.
 */
class EndToEndIT {

  private static final String OFFENDER = "203.0.113.66";
  private static final String PARTNER = "192.0.2.77";

  @Test
  void offenderIsDeniedEverywhereEscalatesAndSurvivesALeaderChange() throws Exception {
    DemoStack.Options options = new DemoStack.Options(20,
        new Ladder(List.of(Duration.ofSeconds(3), Duration.ofSeconds(6), Duration.ofSeconds(9)), true),
        Duration.ofMinutes(5), 1_000_000, 2, "e2e-token", true);
    ScheduledExecutorService load = Executors.newScheduledThreadPool(1);
    try (DemoStack stack = new DemoStack(options, System.out::println).start()) {
      stack.store().addEntry(null, ListKind.ALLOW, new ListEntry(Cidr.parse(PARTNER), null, "partner", "e2e", 1), false);
      List<AclClient> clients = List.of(stack.client("shop", "a:1"), stack.client("shop", "b:1"), stack.client("shop", "c:1"));
      Timeouts.await("the partner allowlisted on every client", Duration.ofSeconds(30),
          () -> clients.stream().allMatch(c -> c.check(PARTNER, "GET /").reason() == Decision.Reason.ALLOW_LIST));

      // a daily quota of 40 calls per caller on GET /export
      stack.store().setAppPolicy("shop", new AppPolicy(AppMode.OPEN, null, null,
          List.of(new Quota("*", "GET /export", 40)), false), stack.store().appPolicy("shop").version());
      for (AclClient c : clients) {
        for (int i = 0; i < 3; i++) {
          c.check("198.18.1." + i, "GET /export", "partner-7"); // 9 calls: well within its quota
        }
      }

      // 3 clients x 10 checks each per 100 ms: 300 req/s per address, far over 20 req/s; partner-42
      // calls GET /export 30 times a second from 50 rotating addresses (under any per-address limit)
      AtomicInteger rotate = new AtomicInteger();
      load.scheduleAtFixedRate(() -> {
        for (AclClient c : clients) {
          for (int i = 0; i < 10; i++) {
            c.check(OFFENDER, "GET /items");
            c.check(PARTNER, "GET /items");
          }
          c.check("198.18.0." + rotate.incrementAndGet() % 50, "GET /export", "partner-42");
        }
      }, 0, 100, TimeUnit.MILLISECONDS);

      long started = System.nanoTime();
      StackProbes.awaitLevel(clients, OFFENDER, 1);
      System.out.printf("reaction: offender denied on all 3 clients %d ms after the traffic started%n",
          (System.nanoTime() - started) / 1_000_000);
      assertThat(clients).allSatisfy(c -> assertThat(c.check(PARTNER, "GET /").allowed()).isTrue());

      Timeouts.await("partner-42 limited on GET /export by every client", Duration.ofSeconds(30),
          () -> clients.stream().allMatch(c -> StackProbes.probe(c, "GET /export", "partner-42").reason()
              == Decision.Reason.QUOTA));
      Decision used = StackProbes.probe(clients.get(0), "GET /export", "partner-42");
      assertThat(used.outcome()).isEqualTo(Decision.Outcome.LIMIT);
      assertThat(used.detail()).contains("req/day > 40 req/day (quota * on GET /export)");
      assertThat(used.retryAfterSeconds(System.currentTimeMillis())).as("until the day ends (UTC)")
          .isBetween(1L, 86_400L);
      assertThat(clients).allSatisfy(c -> {
        assertThat(StackProbes.probe(c, "GET /items", "partner-42").allowed()).as("another interface").isTrue();
        assertThat(StackProbes.probe(c, "GET /export", "partner-7").allowed()).as("another caller").isTrue();
      });

      // the 3 s intercept lapses; the offender is still at it: level 2
      StackProbes.awaitLevel(clients, OFFENDER, 2);

      // the leader goes away; the standby takes over with the offender's history
      int leader = stack.notifier(1).service().isLeader() ? 1 : 2;
      int standby = 3 - leader;
      HttpClient reads = HttpClient.newHttpClient();
      Timeouts.await("the standby listing the intercepts in force, read from the topic", Duration.ofSeconds(15),
          () -> StackProbes.bodyOrEmpty(reads, "http://127.0.0.1:" + stack.notifierPort(standby) + "/api/intercepts",
              "Bearer " + stack.token(Role.VIEWER)).contains(OFFENDER));
      stack.stopNotifier(leader);
      Timeouts.await("the standby to lead", Duration.ofSeconds(30), () -> stack.notifier(standby).service().isLeader());
      StackProbes.awaitLevel(clients, OFFENDER, 3);
      // an entry that expires is deleted by the new leader's janitor, which audits it
      stack.store().addEntry("shop", ListKind.DENY, new ListEntry(Cidr.parse("198.51.100.200"),
          System.currentTimeMillis() + 1_500, "short", "e2e", System.currentTimeMillis()), false);

      HttpClient http = HttpClient.newHttpClient();
      String api = "http://127.0.0.1:" + stack.notifierPort(standby);
      String viewer = "Bearer " + stack.token(Role.VIEWER);
      HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(api + "/api/lists/deny"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"cidr\":\"198.51.100.9\",\"note\":\"e2e\"}"));
      HttpResponse<String> anonymous = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.body()).contains("Authorization: Bearer");
      HttpResponse<String> wrong = http.send(post.header("Authorization", "Bearer nope").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);
      HttpResponse<String> byViewer = http.send(post.setHeader("Authorization", viewer).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(byViewer.statusCode()).as(byViewer.body()).isEqualTo(403);
      HttpRequest.Builder wide = HttpRequest.newBuilder(URI.create(api + "/api/intercepts"))
          .header("Content-Type", "application/json");
      HttpResponse<String> tooWide = http.send(wide.copy().header("Authorization", "Bearer " + stack.token(Role.OPERATOR))
          .POST(HttpRequest.BodyPublishers.ofString("{\"app\":\"*\",\"target\":\"0.0.0.0/0\",\"reason\":\"x\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(tooWide.statusCode()).as(tooWide.body()).isEqualTo(422);
      assertThat(tooWide.body()).contains("every app");
      HttpResponse<String> authorised = http.send(HttpRequest.newBuilder(URI.create(api + "/api/lists/deny"))
          .header("Content-Type", "application/json").header("Authorization", "Bearer e2e-token")
          .POST(HttpRequest.BodyPublishers.ofString("{\"cidr\":\"198.51.100.9\",\"note\":\"e2e\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(authorised.statusCode()).as(authorised.body()).isEqualTo(201);
      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(api + "/api/lists/deny"))
          .header("Content-Type", "application/json").header("Authorization", "Bearer e2e-token")
          .POST(HttpRequest.BodyPublishers.ofString("{\"cidr\":\"198.51.100.9/33\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("prefix length 33 is out of range");

      for (String read : List.of("/api/apps", "/api/apps/shop/top", "/api/apps/shop/top?window=minute&prefix=true",
          "/api/apps/shop/rate?seconds=10", "/api/apps/shop/policy", "/api/apps/shop/limits", "/api/policy",
          "/api/lists/allow", "/api/lists/deny?app=shop", "/api/intercepts?app=shop", "/api/audit?limit=5", "/",
          "/dashboard/app.js", "/dashboard/style.css")) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + read)).header("Authorization", viewer).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + read + ": " + r.body()).isEqualTo(200);
        if (read.startsWith("/api")) {
          assertThat(http.send(HttpRequest.newBuilder(URI.create(api + read)).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode()).as("GET " + read + " without a token").isEqualTo(401);
        }
      }
      assertThat(http.send(HttpRequest.newBuilder(URI.create(api + "/admin/healthcheck")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).as("Dropwizard's admin servlets are not on the API's port")
          .isEqualTo(404);
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(api + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("frame-ancestors 'none'");
      assertThat(page.headers().firstValue("Cache-Control").orElse("")).isEqualTo("no-store");
      // a client declaring a body over 1 MiB gets 413 before it sends the body (sending the whole body
      // first races the server's answer and its closing the connection: the client may see the reset)
      assertThat(statusOfDeclaredBody(stack.notifierPort(standby), "/api/lists/deny", 2 << 20, "Bearer e2e-token"))
          .as("a body over 1 MiB").isEqualTo(413);
      String apps = http.send(HttpRequest.newBuilder(URI.create(api + "/api/apps")).header("Authorization", viewer).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(apps).as("live nodes of shop").contains("\"node\":\"a:1\"").contains("\"node\":\"c:1\"");
      HttpResponse<String> policy = http.send(HttpRequest.newBuilder(URI.create(api + "/api/apps/shop/policy")).header("Authorization", viewer).build(),
          HttpResponse.BodyHandlers.ofString());
      String etag = policy.headers().firstValue("ETag").orElseThrow();
      HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(api + "/api/apps/shop/policy"))
          .header("Content-Type", "application/json").header("Authorization", "Bearer e2e-token").header("If-Match", etag)
          .PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"OPEN\",\"limitPerSecond\":40,\"quotas\":[{\"caller\":\"*\",\"iface\":\"GET /export\",\"perDay\":40}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      HttpResponse<String> stale = http.send(HttpRequest.newBuilder(URI.create(api + "/api/apps/shop/policy"))
          .header("Content-Type", "application/json").header("Authorization", "Bearer e2e-token").header("If-Match", etag)
          .PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"CLOSED\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(stale.statusCode()).as("a write with a stale version is a conflict").isEqualTo(409);

      String audit = http.send(HttpRequest.newBuilder(URI.create(api + "/api/audit?limit=100")).header("Authorization", viewer).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(audit).as("API changes are audited, as the operator who made them")
          .contains("\"actor\":\"demo-admin\"")
          .contains("\"kind\":\"LIST_ADDED\"").contains("\"target\":\"198.51.100.9\"")
          .contains("\"kind\":\"POLICY_CHANGED\"").contains("app policy set:");

      Timeouts.await("the janitor's deletion of the expired entry audited", Duration.ofSeconds(30),
          () -> {
            String tail = StackProbes.bodyOrEmpty(http, api + "/api/audit?limit=200", viewer);
            return tail.contains("\"kind\":\"LIST_EXPIRED\"") && tail.contains("198.51.100.200");
          });

      String intercepts = http.send(HttpRequest.newBuilder(URI.create(api + "/api/intercepts")).header("Authorization", viewer).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(intercepts).contains(OFFENDER).doesNotContain(PARTNER).contains("partner-42 on GET /export");

      HttpResponse<String> releaseQuota = http.send(HttpRequest.newBuilder(URI.create(
              api + "/api/intercepts?app=shop&caller=partner-42&iface=GET%20/export"))
          .header("Authorization", "Bearer e2e-token").DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(releaseQuota.statusCode()).as(releaseQuota.body()).isEqualTo(204);
      Timeouts.await("partner-42 served again on every client after the release", Duration.ofSeconds(30),
          () -> clients.stream().allMatch(c -> StackProbes.probe(c, "GET /export", "partner-42").allowed()));
      // a released quota stays released for the day: the leader scans four more times and issues nothing
      long scansBefore = stack.notifier(standby).service().scans();
      Timeouts.await("four more scans by the leader", Duration.ofSeconds(10),
          () -> stack.notifier(standby).service().scans() >= scansBefore + 4);
      assertThat(clients).allSatisfy(c -> {
        Decision d = StackProbes.probe(c, "GET /export", "partner-42");
        assertThat(d.allowed()).as(d.toString()).isTrue();
      });
    } finally {
      load.shutdownNow();
    }
  }

  /**
   * The status line's code for a request that declares a body of {@code length} bytes (its headers only,
   * over a raw socket), read before any of the body is sent.
   */
  private static int statusOfDeclaredBody(int port, String path, int length, String authorization) throws IOException {
    try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: " + authorization
          + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n";
      s.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine();
      assertThat(status).as("the status line").isNotNull().startsWith("HTTP/1.1 ");
      return Integer.parseInt(status.substring(9, 12));
    }
  }
}
