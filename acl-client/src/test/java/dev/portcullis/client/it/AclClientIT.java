package dev.portcullis.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.ListKind;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.Versioned;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.servers.KafkaBroker;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.servers.Topics;
import dev.portcullis.servers.ZooKeeper;
import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client against a real KRaft broker and a real ZooKeeper. */
@ExtendWith(RealServers.class)
class AclClientIT {

  private static final AtomicInteger RUN = new AtomicInteger();
  private final WireCodec codec = new WireCodec();
  private final List<AutoCloseable> owned = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
  }

  private record Run(String access, String notices, String root) {}

  private Run topics(KafkaBroker kafka) {
    int n = RUN.incrementAndGet();
    Run r = new Run("access-" + n, "notices-" + n, "/client-it-" + n + "-" + System.nanoTime());
    Topics.create(kafka.bootstrapServers(), r.access(), 3, false);
    Topics.create(kafka.bootstrapServers(), r.notices(), 3, true);
    return r;
  }

  private AclClient client(Run r, String app, String node, String bootstrap, String zk) {
    return client(r, app, node, bootstrap, zk, null);
  }

  private AclClient client(Run r, String app, String node, String bootstrap, String zk, MetricRegistry metrics) {
    AclClient c = AclClient.builder(app).node(node).kafka(bootstrap).zooKeeper(zk).zkRoot(r.root())
        .topics(r.access(), r.notices()).slice(Duration.ofMillis(50)).metrics(metrics).build();
    owned.add(c);
    c.start();
    return c;
  }

  private static long gauge(MetricRegistry metrics, String name) {
    assertThat(metrics.getGauges()).containsKey(name);
    return ((Number) metrics.getGauges().get(name).getValue()).longValue();
  }

  private KafkaProducer<String, byte[]> producer(KafkaBroker kafka) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    owned.add(producer);
    return producer;
  }

  @Test
  void noticeOnTheTopic_isAppliedByThreeClientsAndReleasedByATombstone(KafkaBroker kafka, ZooKeeper zk) throws Exception {
    Run r = topics(kafka);
    List<AclClient> clients = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      clients.add(client(r, "shop", "shop-" + i + ":8080", kafka.bootstrapServers(), zk.connectString()));
    }
    long now = System.currentTimeMillis();
    InterceptNotice n = new InterceptNotice("it-1", "shop", Cidr.parse("203.0.113.7"), InterceptNotice.Action.DENY, 1,
        "84 req/s > 50 req/s (shop default)", now, now + 60_000);
    KafkaProducer<String, byte[]> producer = producer(kafka);
    producer.send(new ProducerRecord<>(r.notices(), n.key(), codec.write(n))).get(30, TimeUnit.SECONDS);
    for (AclClient c : clients) {
      Timeouts.await("the intercept at " + c, Duration.ofSeconds(20),
          () -> c.check("203.0.113.7", "GET /").outcome() == Decision.Outcome.LIMIT);
      Decision d = c.check("203.0.113.7", "GET /");
      assertThat(d.reason()).isEqualTo(Decision.Reason.INTERCEPT);
      assertThat(d.retryAfterSeconds(c.nowMillis())).isBetween(1L, 60L);
      assertThat(c.check("203.0.113.8", "GET /").allowed()).isTrue();
      assertThat(c.status().noticeLagMillis()).isGreaterThanOrEqualTo(0);
    }
    producer.send(new ProducerRecord<>(r.notices(), n.key(), null)).get(30, TimeUnit.SECONDS);
    for (AclClient c : clients) {
      Timeouts.await("the release at " + c, Duration.ofSeconds(20), () -> c.check("203.0.113.7", "GET /").allowed());
    }
  }

  @Test
  void clientStartedLater_rebuildsActiveInterceptsFromTheCompactedTopic(KafkaBroker kafka, ZooKeeper zk) throws Exception {
    Run r = topics(kafka);
    long now = System.currentTimeMillis();
    KafkaProducer<String, byte[]> producer = producer(kafka);
    InterceptNotice live = new InterceptNotice("a", "*", Cidr.parse("198.51.100.0/24"), InterceptNotice.Action.DENY, 4,
        "manual", now, null);
    InterceptNotice released = new InterceptNotice("b", "shop", Cidr.parse("192.0.2.1"), InterceptNotice.Action.DENY, 1,
        "x", now, now + 60_000);
    InterceptNotice expired = new InterceptNotice("c", "shop", Cidr.parse("192.0.2.2"), InterceptNotice.Action.DENY, 1,
        "x", now - 120_000, now - 60_000);
    producer.send(new ProducerRecord<>(r.notices(), live.key(), codec.write(live))).get();
    producer.send(new ProducerRecord<>(r.notices(), released.key(), codec.write(released))).get();
    producer.send(new ProducerRecord<>(r.notices(), released.key(), null)).get();
    producer.send(new ProducerRecord<>(r.notices(), expired.key(), codec.write(expired))).get();
    producer.send(new ProducerRecord<>(r.notices(), "shop|not-an-ip", "garbage".getBytes())).get();

    AclClient c = client(r, "shop", "late:1", kafka.bootstrapServers(), zk.connectString());
    Timeouts.await("catch-up", Duration.ofSeconds(60), () -> c.status().noticesCaughtUp());
    assertThat(c.check("198.51.100.9", "x").outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(c.check("192.0.2.1", "x").allowed()).isTrue();
    assertThat(c.check("192.0.2.2", "x").allowed()).isTrue();
    assertThat(c.status().activeIntercepts()).isEqualTo(1);
  }

  @Test
  void zooKeeperListChange_isApplied(KafkaBroker kafka, ZooKeeper zk) throws Exception {
    Run r = topics(kafka);
    AclClient c = client(r, "shop", "zk:1", kafka.bootstrapServers(), zk.connectString());
    try (CuratorFramework curator = ZkAccess.open(zk.connectString()).newClient()) {
      curator.start();
      curator.blockUntilConnected(20, TimeUnit.SECONDS);
      ConfigStore store = new ConfigStore(curator, new ZkPaths(r.root()), new ConfigCodec(), ZkAccess.open(zk.connectString()));
      store.addEntry("shop", ListKind.DENY, new ListEntry(Cidr.parse("2001:db8:1::/48"), null, "v6 scrapers", "it", 1), false);
      Timeouts.await("the deny entry at the client", Duration.ofSeconds(20),
          () -> c.check("2001:db8:1::77", "x").outcome() == Decision.Outcome.DENY);
      assertThat(c.check("2001:db8:1::77", "x").detail()).isEqualTo("deny list 2001:db8:1::/48 (shop)");
      Timeouts.await("the ephemeral registration", Duration.ofSeconds(20),
          () -> curator.checkExists().forPath(new ZkPaths(r.root()).node("shop", "zk:1")) != null);
    }
  }

  @Test
  void closedApp_anAdminsTimedAllowEntry_isAdmittedByEveryProxyAndRefusedAfterItsExpiry(KafkaBroker kafka, ZooKeeper zk)
      throws Exception {
    Run r = topics(kafka);
    String admin = "203.0.113.44";
    try (CuratorFramework curator = ZkAccess.open(zk.connectString()).newClient()) {
      curator.start();
      curator.blockUntilConnected(20, TimeUnit.SECONDS);
      ConfigStore store = new ConfigStore(curator, new ZkPaths(r.root()), new ConfigCodec(), ZkAccess.open(zk.connectString()));
      store.setAppPolicy("proxy", new AppPolicy(AppMode.CLOSED, null, null, List.of(), false), Versioned.ABSENT);
      List<AclClient> proxies = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        proxies.add(client(r, "proxy", "proxy-" + i + ":443", kafka.bootstrapServers(), zk.connectString()));
      }
      for (AclClient c : proxies) {
        Timeouts.await("the CLOSED policy at " + c, Duration.ofSeconds(20),
            () -> c.check(admin, "POST /login").reason() == Decision.Reason.CLOSED_MODE);
      }

      // the admin logs in: their address is allowed on every proxy for a while (24 h in real life; 6 s here)
      long expiresAt = System.currentTimeMillis() + 6_000;
      long written = System.nanoTime();
      store.addEntry("proxy", ListKind.ALLOW, new ListEntry(Cidr.parse(admin), expiresAt, "admin login", "it", 1), false);
      Timeouts.await("the admin admitted by every proxy", Duration.ofSeconds(20),
          () -> proxies.stream().allMatch(c -> c.check(admin, "GET /admin").allowed()));
      System.out.printf("closed app: admin admitted by 3 proxies %d ms after the write%n",
          (System.nanoTime() - written) / 1_000_000);
      assertThat(proxies).allSatisfy(c -> {
        assertThat(c.check(admin, "GET /admin").reason()).isEqualTo(Decision.Reason.ALLOW_LIST);
        assertThat(c.check("203.0.113.45", "GET /admin").reason()).as("anyone else").isEqualTo(Decision.Reason.CLOSED_MODE);
      });

      Timeouts.await("the admin refused by every proxy after the entry's expiry", Duration.ofSeconds(20),
          () -> proxies.stream().allMatch(c -> c.check(admin, "GET /admin").reason() == Decision.Reason.CLOSED_MODE));
      assertThat(System.currentTimeMillis()).as("not refused before the expiry").isGreaterThanOrEqualTo(expiresAt);
    }
  }

  @Test
  void coalescedCountsOnTheTopic_addUpExactlyToTheRequestsMade(KafkaBroker kafka, ZooKeeper zk) throws Exception {
    Run r = topics(kafka);
    MetricRegistry metrics = new MetricRegistry();
    AclClient c = client(r, "shop", "count:1", kafka.bootstrapServers(), zk.connectString(), metrics);
    Map<String, long[]> expected = new HashMap<>();
    int requests = 0;
    for (int round = 0; round < 20; round++) {
      for (int ip = 0; ip < 50; ip++) {
        String addr = ip % 5 == 0 ? "2001:db8::" + Integer.toHexString(ip + 1) : "198.51.100." + ip;
        String iface = ip % 2 == 0 ? "GET /items" : "POST /cart";
        for (int k = 0; k <= ip % 7; k++) {
          Decision d = c.check(addr, iface, "partner-" + (ip % 3));
          long[] e = expected.computeIfAbsent(addr + " " + iface + " partner-" + (ip % 3), x -> new long[2]);
          e[0]++;
          if (!d.allowed()) {
            e[1]++;
          }
          requests++;
        }
      }
      // spread over several slices: the next round starts once this one has been sent
      final int sentSoFar = requests;
      Timeouts.await("round " + round + " sent", Duration.ofSeconds(20), () -> c.status().sentRequests() == sentSoFar);
    }
    // the registry reports what happened (gauges read live, so before close)
    long denied = expected.values().stream().mapToLong(e -> e[1]).sum();
    assertThat(gauge(metrics, "portcullis.client.shop.events.sentRequests")).isEqualTo(requests);
    assertThat(gauge(metrics, "portcullis.client.shop.events.dropped")).isZero();
    assertThat(gauge(metrics, "portcullis.client.shop.decisions.allow")).isEqualTo(requests - denied);
    assertThat(gauge(metrics, "portcullis.client.shop.decisions.deny") + gauge(metrics, "portcullis.client.shop.decisions.limit"))
        .isEqualTo(denied);
    Timeouts.await("the config synced", Duration.ofSeconds(20), () -> c.status().configSynced());
    assertThat(gauge(metrics, "portcullis.client.shop.config.ageMillis")).as("time since the last config update")
        .isGreaterThanOrEqualTo(0);
    assertThat(metrics.getGauges().keySet()).contains("portcullis.client.shop.notices.lagMillis",
        "portcullis.client.shop.events.sentRecords", "portcullis.client.shop.intercepts.active");
    c.close();
    assertThat(c.status().droppedAccesses()).isZero();

    Map<String, long[]> seen = new HashMap<>();
    long total = 0;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo pi : consumer.partitionsFor(r.access())) {
        parts.add(new TopicPartition(r.access(), pi.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      Timeouts.await("every access record", Duration.ofSeconds(20), () -> {
        for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
          AccessEvent ev = codec.readAccessEvent(rec.value(), "test");
          assertThat(rec.key()).isEqualTo("shop|" + ev.ip());
          long[] s = seen.computeIfAbsent(ev.ip() + " " + ev.iface() + " " + ev.caller(), x -> new long[2]);
          s[0] += ev.n();
          s[1] += ev.denied();
        }
        return parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
      });
    }
    for (long[] s : seen.values()) {
      total += s[0];
    }
    assertThat(total).isEqualTo(requests);
    assertThat(seen.keySet()).isEqualTo(expected.keySet());
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      assertThat(seen.get(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
    }
  }
}
