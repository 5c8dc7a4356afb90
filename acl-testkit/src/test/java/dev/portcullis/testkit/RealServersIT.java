package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.servers.KafkaBroker;
import dev.portcullis.servers.ZooKeeper;
import dev.portcullis.servers.Redis;
import dev.portcullis.servers.RedisCluster;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.RedisProcess;
import dev.portcullis.servers.Ports;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/** Each server of the kit is real: data goes in through its own protocol and comes back out. */
@ExtendWith(RealServers.class)
class RealServersIT {

  @Test
  void kafka_producedRecordsAreConsumedBack(KafkaBroker kafka) throws Exception {
    String topic = "testkit-roundtrip";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < 100; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
      }
    }
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    Map<String, String> seen = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Timeouts.await("100 records back from " + kafka.describe(), Duration.ofSeconds(30), () -> {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.put(r.key(), r.value());
        }
        return seen.size() == 100;
      });
    }
    assertEquals("v42", seen.get("k42"));
  }

  @Test
  void kafka_stopAndRestartKeepsTopicsAndRecords() throws Exception {
    try (KRaftBroker kafka = KRaftBroker.start()) {
      String topic = "testkit-restart";
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        producer.send(new ProducerRecord<>(topic, "before", "stop")).get(30, TimeUnit.SECONDS);
      }
      kafka.stop();
      assertThat(kafka.isRunning()).isFalse();
      kafka.restart();
      Properties c = new Properties();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<String> keys = new ArrayList<>();
        Timeouts.await("the record written before the restart", Duration.ofSeconds(30), () -> {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
          return keys.contains("before");
        });
      }
    }
  }

  @Test
  void zooKeeper_watchFiresAndDataSurvivesRestart(ZooKeeper zk) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    try (org.apache.zookeeper.ZooKeeper client =
        new org.apache.zookeeper.ZooKeeper(zk.connectString(), 15_000, e -> {
          if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
            connected.countDown();
          }
        })) {
      assertThat(connected.await(Timeouts.scaled(Duration.ofSeconds(15)).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      String path = "/testkit-" + System.nanoTime();
      client.create(path, "one".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      CountDownLatch changed = new CountDownLatch(1);
      client.getData(path, e -> {
        if (e.getType() == Watcher.Event.EventType.NodeDataChanged) {
          changed.countDown();
        }
      }, null);
      client.setData(path, "two".getBytes(StandardCharsets.UTF_8), -1);
      assertThat(changed.await(Timeouts.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS))
          .as("data watch fired").isTrue();

      zk.stop();
      zk.restart();
      Timeouts.await("the znode after a ZooKeeper restart", Duration.ofSeconds(30),
          () -> "two".equals(new String(client.getData(path, false, null), StandardCharsets.UTF_8)));
    }
  }

  @Test
  void redis_answersAndCanBeStoppedAndStartedOnTheSamePort(Redis redis) {
    try (Jedis j = new Jedis(redis.host(), redis.port())) {
      j.set("testkit", "yes");
      assertEquals("yes", j.get("testkit"));
    }
    redis.stop();
    assertThat(Ports.isOpen(redis.port())).as("port closed while stopped").isFalse();
    redis.start();
    try (Jedis j = new Jedis(redis.host(), redis.port())) {
      assertEquals("PONG", j.ping());
    }
  }

  @Test
  void redisCluster_servesAllSlotsAndSpreadsKeysOverThreeMasters(RedisCluster cluster) {
    Set<HostAndPort> nodes = new HashSet<>();
    for (String n : cluster.nodes()) {
      nodes.add(HostAndPort.from(n));
    }
    assertThat(nodes).hasSize(3);
    int keys = 3000;
    try (JedisCluster jc = new JedisCluster(nodes)) {
      for (int i = 0; i < keys; i++) {
        jc.set("testkit:" + i, Integer.toString(i));
      }
      assertEquals("1234", jc.get("testkit:1234"));
    }
    List<Long> perNode = new ArrayList<>();
    for (HostAndPort hp : nodes) {
      try (Jedis j = new Jedis(hp.getHost(), hp.getPort())) {
        assertThat(j.clusterInfo()).contains("cluster_state:ok").contains("cluster_slots_assigned:16384");
        perNode.add(j.dbSize());
      }
    }
    assertThat(perNode.stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(keys);
    for (long n : perNode) {
      assertThat(n).as("keys on one master of " + perNode).isGreaterThan(keys / 3 * 8 / 10);
    }
  }

  @Test
  void redisProcess_closeLeavesNoServerBehind() {
    RedisProcess r = RedisProcess.startStandalone();
    assertThat(r.ping()).isTrue();
    r.close();
    assertThat(Ports.isOpen(r.port())).isFalse();
    r.close(); // idempotent
  }
}
