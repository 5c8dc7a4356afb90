package dev.portcullis.aggregator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.AggregatorWorker;
import dev.portcullis.aggregator.topology.AggregatorTopology;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.servers.KafkaBroker;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.servers.RedisCluster;
import dev.portcullis.servers.RedisProcess;
import dev.portcullis.testkit.Timeouts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The aggregator against a real KRaft broker and a real 3-master Redis Cluster. */
@ExtendWith(RealServers.class)
class AggregatorIT {

  private static final AtomicInteger RUN = new AtomicInteger();
  private final List<AutoCloseable> owned = new ArrayList<>();

  @TempDir
  Path state;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
  }

  private AggregatorSettings settings(KafkaBroker kafka, RedisEndpoints redis, String run) {
    return AggregatorSettings.defaults(kafka.bootstrapServers(), redis, state.resolve(run))
        .withApplicationId("agg-" + run).withTopics("access-" + run, "dlq-" + run, 4);
  }

  private AggregatorWorker worker(AggregatorSettings s, String name) {
    AggregatorWorker w = new AggregatorWorker(s.withStore(s.storeType(), s.stateDir().resolve(name)));
    owned.add(w);
    w.start();
    return w;
  }

  private static void awaitRunning(AggregatorWorker... workers) {
    for (AggregatorWorker w : workers) {
      Timeouts.await("the worker to run", Duration.ofSeconds(60), () -> w.streamsState() == KafkaStreams.State.RUNNING);
    }
  }

  private static RedisEndpoints endpoints(RedisCluster cluster) {
    return new RedisEndpoints(cluster.nodes(), true, 2000);
  }

  @Test
  void countsInRedis_equalTheRequestsSentForEveryWindow_andSpreadEvenlyOverTheMasters(KafkaBroker kafka,
      RedisCluster cluster) throws Exception {
    String run = "c" + RUN.incrementAndGet();
    String app = "app-" + run;
    Map<String, Long> commandsBefore = commandsPerMaster(cluster);
    AggregatorWorker w = worker(settings(kafka, endpoints(cluster), run), "w1");
    awaitRunning(w);
    try (Traffic t = new Traffic(kafka.bootstrapServers(), "access-" + run, app, 1);
        UnifiedJedis redis = endpoints(cluster).connect()) {
      t.send(20_000, 2_000, System.currentTimeMillis());
      awaitExact("Redis to hold every count", Duration.ofSeconds(60), t, redis);
      assertThat(w.metrics().records()).isEqualTo(t.records);
      assertThat(w.metrics().prefixesCountedLocally()).as("prefixes counted where their records arrived").isPositive();
      assertThat(w.metrics().recordsSentHome()).as("records of the default partitioner sent to their home").isPositive();

      Map<String, Long> keysPerMaster = keysPerMaster(cluster, "pc:{" + app + ":*");
      assertThat(keysPerMaster.values().stream().mapToLong(Long::longValue).sum()).isPositive();
      assertEven("keys", keysPerMaster);
      Map<String, Long> commandsAfter = commandsPerMaster(cluster);
      Map<String, Long> delta = new HashMap<>();
      commandsAfter.forEach((k, v) -> delta.put(k, v - commandsBefore.getOrDefault(k, 0L)));
      assertEven("commands", delta);
      assertThat(w.metrics().windowWrites()).as("writes grow with distinct windows, not requests").isLessThan(t.records * 4);
    }
    HttpResponse<String> health = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.adminPort() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"kafkaStreams\"").contains("RUNNING");
  }

  @Test
  void twoWorkers_shareThePartitionsAndTheTotalsStayExact(KafkaBroker kafka, RedisCluster cluster) throws Exception {
    String run = "c" + RUN.incrementAndGet();
    AggregatorSettings s = settings(kafka, endpoints(cluster), run);
    AggregatorWorker a = worker(s, "a");
    AggregatorWorker b = worker(s, "b");
    awaitRunning(a, b);
    try (Traffic t = new Traffic(kafka.bootstrapServers(), "access-" + run, "app-" + run, 2);
        UnifiedJedis redis = endpoints(cluster).connect()) {
      t.send(10_000, 1_000, System.currentTimeMillis());
      awaitExact("Redis to hold every count", Duration.ofSeconds(60), t, redis);
      assertThat(a.metrics().records()).as("worker a got partitions").isPositive();
      assertThat(b.metrics().records()).as("worker b got partitions").isPositive();
      assertThat(a.metrics().records() + b.metrics().records()).isEqualTo(t.records);
    }
  }

  @Test
  void aWorkerThatCloses_leavesTheGroup_soAnotherCountsItsPartitionsLongBeforeItsSessionCouldExpire(KafkaBroker kafka,
      RedisCluster cluster) throws Exception {
    String run = "c" + RUN.incrementAndGet();
    // a session far longer than the wait below: had worker a stayed in the group after closing (Kafka
    // Streams' default), its partitions would stay uncounted until it expired
    AggregatorSettings s = settings(kafka, endpoints(cluster), run).withSessionTimeout(Duration.ofSeconds(120));
    AggregatorWorker a = worker(s, "a");
    AggregatorWorker b = worker(s, "b");
    awaitRunning(a, b);
    try (Traffic t = new Traffic(kafka.bootstrapServers(), "access-" + run, "app-" + run, 5);
        UnifiedJedis redis = endpoints(cluster).connect()) {
      long base = System.currentTimeMillis();
      t.send(4_000, 400, base);
      awaitExact("Redis to hold the counts of both workers", Duration.ofSeconds(60), t, redis);
      long countedByA = a.metrics().records();
      assertThat(countedByA).as("worker a had partitions").isPositive();
      a.close();
      long bBefore = b.metrics().records();
      t.send(4_000, 400, base);
      awaitExact("every count, worker a gone (its session: 120 s)", Duration.ofSeconds(50), t, redis);
      assertThat(b.metrics().records() - bBefore).as("worker b counted every record sent after a left").isEqualTo(4_000);
    }
  }

  @Test
  void redisStoppedAndRestartedMidStream_totalsAreExact(KafkaBroker kafka) throws Exception {
    String run = "c" + RUN.incrementAndGet();
    RedisProcess redisServer = RedisProcess.startOn(dev.portcullis.servers.Ports.freeLoopbackPort(),
        List.of("--appendonly", "yes", "--appendfsync", "always"));
    owned.add(redisServer);
    RedisEndpoints ep = RedisEndpoints.of("127.0.0.1:" + redisServer.port(), false);
    AggregatorWorker w = worker(settings(kafka, ep, run), "w");
    awaitRunning(w);
    try (Traffic t = new Traffic(kafka.bootstrapServers(), "access-" + run, "app-" + run, 3);
        UnifiedJedis redis = ep.connect()) {
      long base = System.currentTimeMillis();
      t.send(3_000, 300, base);
      awaitExact("the first counts", Duration.ofSeconds(60), t, redis);
      redisServer.stop();
      t.send(3_000, 300, base);
      Timeouts.await("a failed flush", Duration.ofSeconds(30), () -> !w.metrics().redisHealthy());
      redisServer.start();
      t.send(1_000, 300, base);
      awaitExact("every count after Redis came back", Duration.ofSeconds(60), t, redis);
      assertThat(w.metrics().flushFailures()).isPositive();
    }
  }

  @Test
  void workerKilledHardMidStream_totalsAreExactAfterRecovery(KafkaBroker kafka, RedisCluster cluster) throws Exception {
    String run = "c" + RUN.incrementAndGet();
    AggregatorSettings s = settings(kafka, endpoints(cluster), run);
    ChildWorker child = ChildWorker.start(s.withStore(s.storeType(), state.resolve("child")), state.resolve("child.yml"));
    owned.add(child);
    try (Traffic t = new Traffic(kafka.bootstrapServers(), "access-" + run, "app-" + run, 4);
        UnifiedJedis redis = endpoints(cluster).connect()) {
      long base = System.currentTimeMillis();
      child.awaitHealthy(Duration.ofSeconds(90));
      t.send(5_000, 500, base);
      Timeouts.await("some counts from the child", Duration.ofSeconds(60), () -> child.records() > 0);
      t.send(5_000, 500, base);
      child.kill();
      AggregatorWorker survivor = worker(s, "survivor");
      awaitRunning(survivor);
      t.send(2_000, 500, base);
      try {
        awaitExact("every count after the hard kill", Duration.ofSeconds(90), t, redis);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; survivor: records " + survivor.metrics().records()
            + ", late records " + survivor.metrics().lateRecords() + ", dead-lettered " + survivor.metrics().deadLettered()
            + ", state " + survivor.streamsState() + ", sent " + t.records + "; committed/LSO/end offsets " + lag(kafka, s), e);
      }
    }
  }

  /** Diagnostics: per partition of the access and rekeyed topics, committed / LSO / HW. */
  private static String lag(KafkaBroker kafka, AggregatorSettings s) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      var committed = admin.listConsumerGroupOffsets(s.applicationId()).partitionsToOffsetAndMetadata().get();
      String rekeyed = AggregatorTopology.rekeyedTopic(s);
      StringBuilder out = new StringBuilder();
      for (String topic : List.of(s.accessTopic(), rekeyed)) {
        int n = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        for (int p = 0; p < n; p++) {
          TopicPartition tp = new TopicPartition(topic, p);
          long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
          long lso = admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
              .all().get().get(tp).offset();
          var c = committed.get(tp);
          out.append(topic.equals(rekeyed) ? "r" : "a").append(p).append('=').append(c == null ? "-" : c.offset())
              .append('/').append(lso).append('/').append(end).append(' ');
        }
      }
      return out.toString();
    } catch (Exception e) {
      return "no lag: " + e;
    }
  }


  /** Waits until Redis holds exactly what was sent; on a timeout, says the last difference. */
  private static void awaitExact(String what, Duration timeout, Traffic t, UnifiedJedis redis) {
    try {
      Timeouts.await(what, timeout, () -> t.differenceIn(redis) == null);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; still different: " + t.differenceIn(redis), e);
    }
  }

  private static void assertEven(String what, Map<String, Long> perMaster) {
    assertThat(perMaster).hasSize(3);
    double mean = perMaster.values().stream().mapToLong(Long::longValue).average().orElse(0);
    for (Map.Entry<String, Long> e : perMaster.entrySet()) {
      assertThat((double) e.getValue()).as(what + " on " + e.getKey() + " of " + perMaster).isLessThan(1.5 * mean);
    }
  }

  private static Map<String, Long> keysPerMaster(RedisCluster cluster, String pattern) {
    Map<String, Long> out = new HashMap<>();
    for (String node : cluster.nodes()) {
      String[] hp = node.split(":");
      try (Jedis j = new Jedis(hp[0], Integer.parseInt(hp[1]))) {
        long n = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<String> r = j.scan(cursor, new ScanParams().match(pattern).count(1000));
          n += r.getResult().size();
          cursor = r.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        out.put(node, n);
      }
    }
    return out;
  }

  private static Map<String, Long> commandsPerMaster(RedisCluster cluster) throws IOException {
    Map<String, Long> out = new HashMap<>();
    for (String node : cluster.nodes()) {
      String[] hp = node.split(":");
      try (Jedis j = new Jedis(hp[0], Integer.parseInt(hp[1]))) {
        long total = -1;
        for (String line : j.info("stats").split("\r?\n")) {
          if (line.startsWith("total_commands_processed:")) {
            total = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
          }
        }
        assertThat(total).as("total_commands_processed of " + node).isNotNegative();
        out.put(node, total);
      }
    }
    return out;
  }
}
