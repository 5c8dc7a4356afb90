package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.ConfigStoreException;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.keys.ListKind;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.notifier.scan.RedisWindowReader;
import dev.portcullis.notifier.scan.WindowReader;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.redis.RedisSecurity;
import dev.portcullis.servers.SecuredKafka;
import dev.portcullis.servers.TlsZooKeeper;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Portcullis on secured servers ({@link SecuredStack}): the whole flow works through them, and each
 * server refuses what it must: connections without credentials, a service posing as the notifier,
 * a service writing rules, an aggregator outside its Redis ACL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureClusterIT {

  private static final String OFFENDER = "203.0.113.66";
  private static final String COUNTED = "198.51.100.23";
  private static final String FORGED_TARGET = "198.18.77.7";
  private static final String WARM_UP = "198.51.100.200";

  private SecuredStack stack;
  private List<AclClient> clients;

  @BeforeAll
  void start() throws Exception {
    stack = new SecuredStack().start();
    clients = List.of(stack.client("a-1"), stack.client("b-1"));
  }

  private long dropped() {
    return clients.stream().mapToLong(c -> c.status().droppedAccesses()).sum();
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void requestsAreCountedExactly_andAnOffenderIsRefusedByEveryClient() throws Exception {
    // a client never waits for Kafka: what it decides before its producer first reaches the brokers (a TLS
    // handshake and a SCRAM exchange within max.block.ms, 200 ms) would be dropped and counted, so the
    // exact count starts once each client has delivered a record
    for (AclClient c : clients) {
      Timeouts.await("a first access record delivered by the client over SASL_SSL", Duration.ofSeconds(60), () -> {
        c.check(WARM_UP, "GET /warm-up");
        return c.status().sentRecords() > 0;
      });
    }
    long droppedBefore = dropped();
    long minute = System.currentTimeMillis() / 60_000;
    for (AclClient c : clients) {
      for (int i = 0; i < 15; i++) {
        assertThat(c.check(COUNTED, "GET /items").allowed()).isTrue();
      }
    }
    try (UnifiedJedis redis = stack.redisAs(SecuredStack.NOTIFIER).connect()) {
      WindowReader windows = new RedisWindowReader(redis, new RedisKeys(RedisKeys.DEFAULT_SHARDS));
      try {
        Timeouts.await("30 requests of " + COUNTED + " counted in Redis over TLS", Duration.ofSeconds(60),
            () -> windows.count("shop", WindowReader.Kind.MINUTE, minute, COUNTED)
                + windows.count("shop", WindowReader.Kind.MINUTE, minute + 1, COUNTED) == 30);
      } catch (AssertionError e) {
        // where they stopped: Redis has some, the clients sent them (or dropped them), or neither
        throw new AssertionError(e.getMessage() + "; Redis has " + (windows.count("shop", WindowReader.Kind.MINUTE, minute,
            COUNTED) + windows.count("shop", WindowReader.Kind.MINUTE, minute + 1, COUNTED)) + "; the clients: "
            + clients.stream().map(c -> c.status().sentRequests() + " requests sent, " + c.status().droppedAccesses()
                + " dropped").toList() + "; the aggregator: " + stack.aggregator.streamsState() + ", "
            + stack.aggregator.metrics().records() + " records counted, " + stack.aggregator.metrics().flushes()
            + " flushes, " + stack.aggregator.metrics().windowWrites() + " window writes, "
            + stack.aggregator.metrics().flushFailures() + " failed", e);
      }
    }
    assertThat(dropped()).as("accesses the clients dropped while sending the 30").isEqualTo(droppedBefore);
    assertThat(stack.aggregator.metrics().flushFailures())
        .as("flushes Redis refused (a key the README's ACL for the aggregator does not cover fails every flush)").isZero();

    Timeouts.await("the offender refused by every client", Duration.ofSeconds(60), () -> {
      for (AclClient c : clients) {
        for (int i = 0; i < 10; i++) {
          c.check(OFFENDER, "GET /items");
        }
      }
      return clients.stream().allMatch(c -> c.check(OFFENDER, "GET /").reason() == Decision.Reason.INTERCEPT);
    });
  }

  @Test
  void aListChangeByTheAdminIdentity_appliesOnEveryClient() throws Exception {
    stack.store.addEntry(null, ListKind.DENY, new ListEntry(Cidr.parse("192.0.2.0/24"), null, "secured test", "it", 1), false);
    Timeouts.await("192.0.2.0/24 denied by every client", Duration.ofSeconds(30),
        () -> clients.stream().allMatch(c -> c.check("192.0.2.9", "GET /").reason() == Decision.Reason.DENY_LIST));
  }

  @Test
  void servicesWithoutAZooKeeperIdentity_registerInTheSecuredTree_andTheNotifierListsThem() {
    HttpClient http = HttpClient.newHttpClient();
    Timeouts.await("both clients listed as live nodes of shop", Duration.ofSeconds(30), () -> {
      String body = StackProbes.bodyOrEmpty(http, "http://127.0.0.1:" + stack.apiPort + "/api/apps",
          "Bearer " + SecuredStack.VIEWER_TOKEN);
      return body.contains("a-1") && body.contains("b-1");
    });
  }

  @Test
  void kafka_refusesConnectionsWithoutTheRightCredentials() {
    Map<String, Object> plaintext = Map.of("bootstrap.servers", stack.kafka.bootstrapServers(),
        "default.api.timeout.ms", 5000, "request.timeout.ms", 3000);
    try (Admin admin = Admin.create(plaintext)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))
          .as("a plaintext client gets nothing from the SASL_SSL listener").isInstanceOf(Exception.class);
    }
    Map<String, Object> wrongPassword = new HashMap<>(SecuredKafka.clientProperties(stack.certs, SecuredStack.SERVICES, "guess"));
    wrongPassword.putAll(plaintext);
    try (Admin admin = Admin.create(wrongPassword)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void aServicePrincipal_cannotPublishANotice_andNoForgedNoticeReachesAClient() throws Exception {
    InterceptNotice forged = new InterceptNotice("forged-1", "shop", Cidr.parse(FORGED_TARGET), InterceptNotice.Action.DENY, 4,
        "forged", System.currentTimeMillis(), null);
    Map<String, Object> asService = stack.kafkaAs(SecuredStack.SERVICES).configs();
    asService.put("max.block.ms", 10_000);
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(asService, new StringSerializer(), new ByteArraySerializer())) {
      assertThatThrownBy(() -> p.send(new ProducerRecord<>("acl.notices", forged.key(), new WireCodec().write(forged)))
          .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
    }
    assertThat(noticeKeysOnTheTopic()).as("what acl.notices holds, read by the notifier's identity")
        .doesNotContain(forged.key());
    assertThat(clients).allSatisfy(c -> assertThat(c.check(FORGED_TARGET, "GET /").reason()).isEqualTo(Decision.Reason.OPEN_MODE));
  }

  @Test
  void overTlsWithAClientCertificate_theCertificatesNameIsThePrincipal_withTheSameAcls() throws Exception {
    Map<String, Object> asService = new HashMap<>(SecuredKafka.mtlsClientProperties(stack.certs, SecuredStack.SERVICES));
    asService.put("bootstrap.servers", stack.securedKafka.mtlsBootstrapServers());
    asService.put("max.block.ms", 10_000);
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(asService, new StringSerializer(), new ByteArraySerializer())) {
      assertThat(p.send(new ProducerRecord<>("acl.access", "shop|198.18.5.5",
          new byte[] {0})).get(30, TimeUnit.SECONDS).offset()).as("User:svc-shop writes accesses").isNotNegative();
      assertThatThrownBy(() -> p.send(new ProducerRecord<>("acl.notices", "shop|198.18.5.5", new byte[] {0}))
          .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
    }
    Map<String, Object> anonymous = new HashMap<>(asService);
    anonymous.remove("ssl.keystore.location");
    anonymous.remove("ssl.keystore.type");
    anonymous.remove("ssl.keystore.password");
    anonymous.remove("max.block.ms");
    anonymous.put("default.api.timeout.ms", 5000);
    anonymous.put("request.timeout.ms", 3000);
    try (Admin admin = Admin.create(anonymous)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))
          .as("TLS without a client certificate").isInstanceOf(Exception.class);
    }
  }

  private List<String> noticeKeysOnTheTopic() {
    Map<String, Object> asNotifier = stack.kafkaAs(SecuredStack.NOTIFIER).configs();
    List<String> keys = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(asNotifier, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor("acl.notices", Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          keys.add(r.key());
        }
      }
    }
    return keys;
  }

  @Test
  void zooKeeper_refusesPlaintext_andWritesWithoutTheAdminIdentity() throws Exception {
    try (CuratorFramework plaintext = ZkAccess.open(stack.zk.connectString()).withSessionTimeout(Duration.ofSeconds(3)).newClient()) {
      plaintext.start();
      assertThat(plaintext.blockUntilConnected(5, TimeUnit.SECONDS)).as("a plaintext session on the TLS port").isFalse();
    }
    ZkAccess service = ZkAccess.reader(stack.zk.connectString(), null).withClientConfig(TlsZooKeeper.clientConfig(stack.certs));
    try (CuratorFramework curator = service.newClient()) {
      curator.start();
      assertThat(curator.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
      ConfigStore asService = new ConfigStore(curator, new ZkPaths(), new ConfigCodec(), service);
      assertThat(asService.readAll().apps()).as("the tree is readable by all").containsKey("shop");
      assertThatThrownBy(() -> asService.addEntry(null, ListKind.ALLOW, new ListEntry(Cidr.parse("203.0.113.0/24"), null, "x",
          "svc", 1), false)).isInstanceOf(ConfigStoreException.class).hasMessageContaining("not authorised");
      assertThatThrownBy(() -> curator.setData().forPath(new ZkPaths().globalPolicy(), "{}".getBytes()))
          .isInstanceOf(KeeperException.NoAuthException.class);
      assertThatThrownBy(() -> curator.delete().forPath(new ZkPaths().appPolicy("shop")))
          .isInstanceOf(KeeperException.NoAuthException.class);
    }
  }

  @Test
  void redis_refusesUnauthenticatedClients_andCommandsOutsideAUsersAcl() throws Exception {
    RedisEndpoints anonymous = new RedisEndpoints(List.of("127.0.0.1:" + stack.redis.port()), false, 2000,
        new RedisSecurity(null, null, true, stack.certs.ca(), null, null));
    try (UnifiedJedis redis = anonymous.connect()) {
      assertThatThrownBy(redis::ping).isInstanceOf(JedisException.class).hasMessageContaining("NOAUTH");
    }
    try (UnifiedJedis plaintext = new RedisEndpoints(List.of("127.0.0.1:" + stack.redis.port()), false, 1000).connect()) {
      assertThatThrownBy(plaintext::ping).as("plaintext to the TLS port").isInstanceOf(JedisException.class);
    }
    try (UnifiedJedis aggregator = stack.redisAs(SecuredStack.AGGREGATOR).connect()) {
      assertThat(aggregator.ping()).isEqualTo("PONG");
      assertThatThrownBy(() -> aggregator.hset("pc:{shop:1}:h", "203.0.113.66", "0"))
          .as("the offender history is the notifier's").hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> aggregator.set("other:key", "x")).hasMessageContaining("NOPERM");
      assertThatThrownBy(aggregator::flushAll).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> aggregator.zrange("pc:{shop:1}:s:1", 0, -1)).as("it writes windows, it does not read them")
          .hasMessageContaining("NOPERM");
    }
    try (UnifiedJedis notifier = stack.redisAs(SecuredStack.NOTIFIER).connect()) {
      assertThatThrownBy(() -> notifier.zadd("pc:{shop:1}:s:1", 1e9, OFFENDER)).as("the notifier cannot forge counts")
          .hasMessageContaining("NOPERM");
    }
  }
}
