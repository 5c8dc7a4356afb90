package dev.portcullis.client;

import com.codahale.metrics.MetricRegistry;
import dev.portcullis.client.decide.UnparseableAddressPolicy;
import dev.portcullis.client.notice.NoticeGuard;
import dev.portcullis.config.AppMode;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.transport.KafkaConnection;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;

/**
 * Builds an {@link AclClient} with sane defaults; only the app name is required. Not thread-safe;
 * {@link #build()} validates every setting and names the first invalid one.
 */
public final class AclClientBuilder {
  private final String app;
  private String node;
  private String kafka;
  private String zooKeeper;
  private String zkRoot = ZkPaths.DEFAULT_ROOT;
  private String zkCredentials;
  private Path snapshotFile;
  private Duration slice = Duration.ofMillis(100);
  private int ringCapacity = 1 << 16;
  private int maxKeysPerSlice = 100_000;
  private long localLimitPerSecond;
  private UnparseableAddressPolicy unparseable = UnparseableAddressPolicy.BY_MODE;
  private String accessTopic = KafkaKeys.ACCESS_TOPIC;
  private String noticesTopic = KafkaKeys.NOTICES_TOPIC;
  private Map<String, Object> producerOverrides = Map.of();
  private Map<String, String> kafkaProperties = Map.of();
  private Map<String, String> zkClientConfig = Map.of();
  private AppMode modeUntilRules = AppMode.OPEN;
  private NoticeGuard noticeGuard = NoticeGuard.DEFAULT;
  private Clock clock = Clock.systemUTC();
  private MetricRegistry metrics;
  private CuratorFramework curator;

  AclClientBuilder(String app) {
    this.app = app;
  }

  /** This instance's id, e.g. {@code host:port}; default: the host name. */
  public AclClientBuilder node(String node) {
    this.node = node;
    return this;
  }

  public AclClientBuilder kafka(String bootstrapServers) {
    this.kafka = bootstrapServers;
    return this;
  }

  /**
   * Connection properties for the producer of accesses and every consumer of notices, e.g.
   * {@code security.protocol=SASL_SSL}, {@code sasl.mechanism=SCRAM-SHA-512}, {@code sasl.jaas.config},
   * {@code ssl.truststore.location}; only connection settings are accepted (see {@link KafkaConnection}).
   * Write secrets with Kafka's config providers ({@code config.providers=env},
   * {@code ${env:PORTCULLIS_KAFKA_PASSWORD}}).
   */
  public AclClientBuilder kafkaProperties(Map<String, String> properties) {
    this.kafkaProperties = properties;
    return this;
  }

  /** {@link #kafkaProperties(Map)} from a Java properties file (e.g. the one given to Kafka's console tools). */
  public AclClientBuilder kafkaProperties(Path file) {
    this.kafkaProperties = KafkaConnection.readProperties(file);
    return this;
  }

  /** ZooKeeper client properties, e.g. for TLS ({@code zookeeper.client.secure=true} and the trust store). */
  public AclClientBuilder zkClientConfig(Map<String, String> properties) {
    this.zkClientConfig = properties;
    return this;
  }

  public AclClientBuilder zooKeeper(String connectString) {
    this.zooKeeper = connectString;
    return this;
  }

  /** Use this started Curator client (not closed by the AclClient) instead of a connect string. */
  public AclClientBuilder curator(CuratorFramework client) {
    this.curator = client;
    return this;
  }

  public AclClientBuilder zkRoot(String root) {
    this.zkRoot = root;
    return this;
  }

  public AclClientBuilder zkCredentials(String userColonPassword) {
    this.zkCredentials = userColonPassword;
    return this;
  }

  public AclClientBuilder snapshotFile(Path file) {
    this.snapshotFile = file;
    return this;
  }

  /** The coalescing slice; default 100 ms. */
  public AclClientBuilder slice(Duration d) {
    this.slice = d;
    return this;
  }

  public AclClientBuilder ringCapacity(int slots) {
    this.ringCapacity = slots;
    return this;
  }

  public AclClientBuilder maxKeysPerSlice(int keys) {
    this.maxKeysPerSlice = keys;
    return this;
  }

  /** An in-process per-IP limit per second on this node; default none. */
  public AclClientBuilder localLimitPerSecond(long perSecond) {
    this.localLimitPerSecond = perSecond;
    return this;
  }

  public AclClientBuilder unparseableAddresses(UnparseableAddressPolicy policy) {
    this.unparseable = policy;
    return this;
  }

  public AclClientBuilder topics(String access, String notices) {
    this.accessTopic = access;
    this.noticesTopic = notices;
    return this;
  }

  public AclClientBuilder producerOverrides(Map<String, Object> overrides) {
    this.producerOverrides = overrides;
    return this;
  }

  /**
   * How requests are decided from {@code start()} until the first rules are in force (read from the
   * snapshot file or ZooKeeper in the background): {@code OPEN} (the default) allows, {@code CLOSED}
   * denies, as an allowlist-only app such as a proxy should.
   */
  public AclClientBuilder modeUntilRules(AppMode mode) {
    this.modeUntilRules = mode;
    return this;
  }

  /**
   * Which intercept notices this client accepts: by default none wider than /16 (IPv4) or /48 (IPv6),
   * none for every app wider than /24 or /64, and at most 1,000,000 held; refusals are counted
   * ({@code status().refusedNotices()}).
   */
  public AclClientBuilder noticeGuard(NoticeGuard guard) {
    this.noticeGuard = guard;
    return this;
  }

  public AclClientBuilder clock(Clock c) {
    this.clock = c;
    return this;
  }

  public AclClientBuilder metrics(MetricRegistry registry) {
    this.metrics = registry;
    return this;
  }

  /** @throws IllegalArgumentException naming the first invalid setting */
  public AclClient build() {
    String n = node != null ? node : defaultNode();
    AclClientSettings s = new AclClientSettings(app, n, AclClient.VERSION, kafka, zooKeeper, zkRoot, zkCredentials, snapshotFile,
        slice, ringCapacity, maxKeysPerSlice, localLimitPerSecond, 1 << 16, unparseable, accessTopic, noticesTopic,
        producerOverrides, modeUntilRules, noticeGuard, kafkaProperties, zkClientConfig);
    return new AclClient(s, clock, metrics, curator);
  }

  private static String defaultNode() {
    try {
      String h = InetAddress.getLocalHost().getHostName();
      return h.replaceAll("[^A-Za-z0-9._:-]", "-");
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
