package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.config.Ladder;
import dev.portcullis.notifier.api.LeaderForwarding;
import dev.portcullis.servers.Ports;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A leader killed (SIGKILL, in a child JVM) while more than 10,000 intercepts are in force and a storm
 * of new ones is still being issued: 10,500 addresses each over the limit, 10,200 from the start and the
 * last 300 once the leader is killed, so the storm outlives the leader however fast it intercepts (with all
 * of them from the start, the scanner intercepted every one between two looks of the test). The standby in this JVM
 * takes over with the same active set (same notice ids and levels, nothing issued again), intercepts
 * the rest, releases work through a second standby (forwarded to the new leader) and reach the client,
 * and the notices topic holds exactly one notice per address and level.
 */
class NoticeStormFailoverIT {

  private static final int OFFENDERS = 10_500;
  private static final int KILL_AT = 10_000;
  private static final int OFFENDING_BEFORE_KILL = 10_200;
  private static final String TOKEN = "storm-token";
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(4);

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void leaderKilledWith10000InterceptsInForceDuringAStorm_standbyServesTheSameSet_releasesWork_noNoticeTwice()
      throws Exception {
    DemoStack.Options options = new DemoStack.Options(1,
        new Ladder(List.of(Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofMinutes(60)), true),
        Duration.ofMinutes(5), 1_000_000, 0, TOKEN, false, 100_000);
    List<String> offenders = new ArrayList<>();
    for (int i = 0; i < OFFENDERS; i++) {
      offenders.add("100.64." + (i >> 8) + "." + (i & 0xff));
    }
    Set<String> quiet = ConcurrentHashMap.newKeySet(); // addresses whose traffic stopped (to be released)
    ScheduledExecutorService load = Executors.newScheduledThreadPool(1);
    Process child = null;
    try (DemoStack stack = new DemoStack(options, System.out::println).start()) {
      int childPort = Ports.freeLoopbackPort();
      child = StackProbes.startLeadingChildNotifier(stack, childPort, SESSION_TIMEOUT, http);
      int standbyPort = stack.startNotifier(1);
      int secondStandbyPort = stack.startNotifier(2);
      assertThat(stack.notifier(1).service().isLeader()).isFalse();

      AclClient client = stack.client("shop", "a:1");
      AtomicInteger offending = new AtomicInteger(OFFENDING_BEFORE_KILL);
      load.scheduleAtFixedRate(() -> {
        for (String ip : offenders.subList(0, offending.get())) {
          if (!quiet.contains(ip)) {
            client.check(ip, "GET /items"); // 2 a second, over the limit of 1
          }
        }
      }, 0, 500, TimeUnit.MILLISECONDS);

      AtomicReference<List<Map<String, Object>>> beforeKill = new AtomicReference<>(List.of());
      Timeouts.await(KILL_AT + " intercepts in force on the child leader", Duration.ofSeconds(180), () -> {
        beforeKill.set(intercepts(childPort));
        return beforeKill.get().size() >= KILL_AT;
      });
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      offending.set(OFFENDERS);
      System.out.printf("leader killed with %d intercepts in force (of %d offenders, %d offending so far)%n",
          beforeKill.get().size(), OFFENDERS, OFFENDING_BEFORE_KILL);

      Timeouts.await("the standby to lead and serve", Duration.ofSeconds(60),
          () -> stack.notifier(1).service().notServingReason() == null);
      Map<String, Map<String, Object>> after = byTarget(intercepts(standbyPort));
      assertThat(beforeKill.get()).as("every intercept in force at the kill, served by the new leader unchanged")
          .allSatisfy(n -> {
            Map<String, Object> same = after.get(n.get("target").toString());
            assertThat(same).as(n.get("target").toString()).isNotNull();
            assertThat(same.get("id")).isEqualTo(n.get("id"));
            assertThat(same.get("level")).isEqualTo(n.get("level"));
          });
      Timeouts.await("every offender intercepted by the new leader", Duration.ofSeconds(120),
          () -> intercepts(standbyPort).size() == OFFENDERS);

      // releases, sent to the second standby: forwarded to the new leader, made, and seen by the client
      List<String> released = offenders.subList(0, 5);
      quiet.addAll(released);
      Thread.sleep(1_500); // they stop; an operator releases them once their last second has passed
      for (String ip : released) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + secondStandbyPort
                + "/api/intercepts?app=shop&target=" + ip))
            .header("Authorization", "Bearer " + TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(r.headers().firstValue(LeaderForwarding.SERVED_BY)).hasValue("notifier-1");
      }
      // asked once a second at most: a check is a request, and two a second would offend again
      long deadline = System.nanoTime() + Timeouts.scaled(Duration.ofSeconds(30)).toNanos();
      boolean allowed = false;
      while (!allowed && System.nanoTime() < deadline) {
        Thread.sleep(1_100);
        allowed = released.stream().allMatch(ip -> client.check(ip, "GET /items").allowed());
      }
      assertThat(allowed).as("the released addresses allowed by the client within 30 s").isTrue();
      assertThat(byTarget(intercepts(standbyPort)).keySet()).as("the leader's set after the releases")
          .hasSize(OFFENDERS - released.size()).doesNotContainAnyElementsOf(released);
      load.shutdownNow();

      Map<String, Set<String>> idsByTargetAndLevel = noticeIdsOnTheTopic(stack.kafkaBootstrap());
      assertThat(idsByTargetAndLevel.entrySet().stream()
          .filter(e -> e.getValue().size() != 1 || !e.getKey().endsWith(" level 1")).map(Object::toString).toList())
          .as("one notice per address, at level 1: none issued twice, none climbing, across the failover").isEmpty();
      assertThat(idsByTargetAndLevel.size()).as("addresses with a notice on the topic").isEqualTo(OFFENDERS);
    } finally {
      load.shutdownNow();
      if (child != null) {
        child.destroyForcibly();
      }
    }
  }

  private List<Map<String, Object>> intercepts(int port) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/api/intercepts?app=shop")).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN)
          .build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? json.readValue(r.body(), new TypeReference<List<Map<String, Object>>>() {}) : List.of();
    } catch (java.io.IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private static Map<String, Map<String, Object>> byTarget(List<Map<String, Object>> list) {
    Map<String, Map<String, Object>> m = new HashMap<>();
    for (Map<String, Object> n : list) {
      assertThat(m.put(n.get("target").toString(), n)).as("listed once: " + n.get("target")).isNull();
    }
    return m;
  }

  /** Every notice ever published (tombstones skipped), as the distinct ids per target and level. */
  private static Map<String, Set<String>> noticeIdsOnTheTopic(String bootstrap) {
    Map<String, Set<String>> ids = new HashMap<>();
    WireCodec codec = new WireCodec();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo p : c.partitionsFor("acl.notices")) {
        parts.add(new TopicPartition(p.topic(), p.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.value() != null) {
            InterceptNotice n = codec.readNotice(r.value(), "acl.notices@" + r.offset());
            ids.computeIfAbsent(n.describeTarget() + " level " + n.level(), k -> new HashSet<>()).add(n.id());
          }
        }
      }
    }
    assertThat(ids.keySet()).allSatisfy(k -> assertThat(Cidr.parse(k.substring(0, k.indexOf(' '))).prefix()).isEqualTo(32));
    return ids;
  }
}
