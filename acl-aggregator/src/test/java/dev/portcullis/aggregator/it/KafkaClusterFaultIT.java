package dev.portcullis.aggregator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.AggregatorWorker;
import dev.portcullis.aggregator.TopicAdmin;
import dev.portcullis.aggregator.topology.AggregatorTopology;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.servers.KRaftCluster;
import dev.portcullis.servers.RedisProcess;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.UnifiedJedis;

/**
 * A replicated Kafka cluster losing a broker for real: three KRaft nodes (each broker and controller,
 * in their own JVMs), every topic with replication factor 3 and {@code min.insync.replicas} 2. While
 * records flow, the node leading the most {@code acl.access} partitions is SIGKILLed. The client keeps
 * deciding (in memory, every call answered), the aggregator's exactly-once totals in Redis stay exact
 * (addresses, every prefix length, quotas), and an intercept notice published after the kill reaches
 * the client. The node comes back and the totals stay exact through more traffic.
 */
class KafkaClusterFaultIT {

  @TempDir
  Path state;

  @Test
  void aBrokerKilledMidStream_clientsKeepDeciding_totalsStayExact_andNoticesKeepFlowing() throws Exception {
    try (KRaftCluster kafka = KRaftCluster.start(3); RedisProcess redisServer = RedisProcess.startStandalone()) {
      String bootstrap = kafka.bootstrapServers();
      TopicAdmin.ensure(bootstrap, List.of(TopicAdmin.access("acl.access", 4, (short) 3),
          TopicAdmin.deadLetters("acl.access.dlq", (short) 3), TopicAdmin.notices("acl.notices", (short) 3)));
      assertReplicated(kafka, "acl.access");
      RedisEndpoints redis = RedisEndpoints.of("127.0.0.1:" + redisServer.port(), false);
      AggregatorSettings s = AggregatorSettings.defaults(bootstrap, redis, state.resolve("agg"))
          .withTopics("acl.access", "acl.access.dlq", 4);
      try (AggregatorWorker worker = new AggregatorWorker(s);
          AclClient client = AclClient.builder("shop").node("shop:1").kafka(bootstrap)
              .topics("acl.access", "acl.notices").slice(Duration.ofMillis(50)).build();
          Traffic t = new Traffic(bootstrap, "acl.access", "fault", 4);
          UnifiedJedis jedis = redis.connect()) {
        worker.start();
        client.start();
        Timeouts.await("the worker to run", Duration.ofSeconds(90), () -> worker.streamsState() == KafkaStreams.State.RUNNING);
        assertReplicated(kafka, s.applicationId() + "-" + AggregatorTopology.STORE + "-changelog");

        AtomicLong decisions = new AtomicLong();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread deciding = new Thread(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            try {
              Decision d = client.check("192.0.2." + (decisions.get() % 200), "GET /");
              if (d == null) {
                throw new AssertionError("a null decision");
              }
              decisions.incrementAndGet();
            } catch (Throwable e) {
              thrown.compareAndSet(null, e);
            }
          }
        }, "deciding");
        deciding.start();

        long base = System.currentTimeMillis();
        t.send(4_000, 400, base);
        Timeouts.await("some counts before the kill", Duration.ofSeconds(60), () -> worker.metrics().records() > 0);
        int victim = busiestLeader(kafka, "acl.access");
        kafka.kill(victim);
        long atKill = decisions.get();
        t.send(4_000, 400, base); // acks=all: 2 in-sync replicas of 3 take them
        long now = System.currentTimeMillis();
        InterceptNotice n = new InterceptNotice("after-kill", "shop", Cidr.parse("203.0.113.7"),
            InterceptNotice.Action.DENY, 1, "published with a broker down", now, now + 600_000);
        try (KafkaProducer<String, byte[]> p = producer(bootstrap)) {
          p.send(new ProducerRecord<>("acl.notices", n.key(), new WireCodec().write(n))).get(60, TimeUnit.SECONDS);
        }
        Timeouts.await("the notice published after the kill at the client", Duration.ofSeconds(60),
            () -> client.check("203.0.113.7", "GET /").reason() == Decision.Reason.INTERCEPT);
        awaitExact("every count with node " + victim + " killed", t, jedis);
        assertThat(decisions.get()).as("the client decided all along").isGreaterThan(atKill + 1_000);

        kafka.restart(victim);
        t.send(2_000, 400, base);
        awaitExact("every count after node " + victim + " came back", t, jedis);
        deciding.interrupt();
        deciding.join(10_000);
        assertThat(thrown.get()).as("nothing thrown into the caller").isNull();
        assertThat(worker.metrics().deadLettered()).isZero();
      }
    }
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Every partition of {@code topic} on 3 replicas, and min.insync.replicas 2 (the brokers' default). */
  private static void assertReplicated(KRaftCluster kafka, String name) throws Exception {
    try (Admin admin = kafka.admin()) {
      TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
      assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).as(name).hasSize(3));
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, name);
      String minIsr = admin.describeConfigs(List.of(r)).all().get().get(r).get("min.insync.replicas").value();
      assertThat(minIsr).as(name + " min.insync.replicas").isEqualTo("2");
    }
  }

  /** The node (1-based) that leads the most partitions of {@code topic}. */
  private static int busiestLeader(KRaftCluster kafka, String topic) throws Exception {
    try (Admin admin = kafka.admin()) {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      Map<Integer, Long> led = new java.util.HashMap<>();
      d.partitions().forEach(p -> led.merge(p.leader().id(), 1L, Long::sum));
      return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
  }

  private static void awaitExact(String what, Traffic t, UnifiedJedis redis) {
    try {
      Timeouts.await(what, Duration.ofSeconds(120), () -> t.differenceIn(redis) == null);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; still different: " + t.differenceIn(redis), e);
    }
  }
}
