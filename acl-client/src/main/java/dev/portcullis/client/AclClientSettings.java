package dev.portcullis.client;

import dev.portcullis.client.decide.UnparseableAddressPolicy;
import dev.portcullis.client.notice.NoticeGuard;
import dev.portcullis.config.AppMode;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.transport.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything an {@link AclClient} is configured with, validated as a whole. Built by
 * {@link AclClientBuilder}; immutable.
 *
 * @param kafkaBootstrap  {@code bootstrap.servers}, or null to run without Kafka (no reporting, no notices)
 * @param zooKeeper       ZooKeeper connect string, or null to run without ZooKeeper (lists from the snapshot file only)
 * @param snapshotFile    where to keep the last good config, or null
 * @param localLimitPerSecond per-IP in-process limit, or 0 for none
 * @param modeUntilRules      how requests are decided before any rules are in force (OPEN allows, CLOSED denies)
 * @param noticeGuard         which notices are accepted (prefix floors) and how many are held
 * @param kafkaProperties     connection properties (SASL, TLS) for the producer and every consumer, see {@link KafkaConnection}
 * @param zkClientConfig      ZooKeeper client properties (TLS, SASL), see {@code ZkAccess}
 */
public record AclClientSettings(
    String app, String node, String version, String kafkaBootstrap, String zooKeeper, String zkRoot, String zkCredentials,
    Path snapshotFile, Duration slice, int ringCapacity, int maxKeysPerSlice, long localLimitPerSecond,
    int localLimiterSlots, UnparseableAddressPolicy unparseable, String accessTopic, String noticesTopic,
    Map<String, Object> producerOverrides, AppMode modeUntilRules, NoticeGuard noticeGuard,
    Map<String, String> kafkaProperties, Map<String, String> zkClientConfig) {

  public AclClientSettings {
    Identifiers.requireApp("app", app);
    Identifiers.requireNode("node", node);
    new ZkPaths(zkRoot);
    if (slice.toMillis() < 10 || slice.toMillis() > 10_000) {
      throw new IllegalArgumentException("slice must be between 10 ms and 10 s, was " + slice);
    }
    if (ringCapacity < 1024 || Integer.bitCount(ringCapacity) != 1) {
      throw new IllegalArgumentException("ringCapacity must be a power of two >= 1024, was " + ringCapacity);
    }
    if (maxKeysPerSlice < 1) {
      throw new IllegalArgumentException("maxKeysPerSlice must be >= 1, was " + maxKeysPerSlice);
    }
    if (localLimitPerSecond < 0) {
      throw new IllegalArgumentException("localLimitPerSecond must be >= 0 (0 = none), was " + localLimitPerSecond);
    }
    if (unparseable == null) {
      throw new IllegalArgumentException("unparseable must not be null");
    }
    producerOverrides = Map.copyOf(producerOverrides);
    kafkaProperties = Map.copyOf(kafkaProperties);
    if (kafkaBootstrap != null) {
      new KafkaConnection(kafkaBootstrap, kafkaProperties);
    } else if (!kafkaProperties.isEmpty()) {
      throw new IllegalArgumentException("kafkaProperties are set but no Kafka bootstrap servers");
    }
    zkClientConfig = Map.copyOf(zkClientConfig);
    if (noticeGuard == null) {
      throw new IllegalArgumentException("noticeGuard must not be null");
    }
    if (modeUntilRules == null) {
      throw new IllegalArgumentException("modeUntilRules must be OPEN or CLOSED, was null");
    }
  }

  /** Every setting but the ZooKeeper password, which is shown as {@code ****}. */
  @Override
  public String toString() {
    String credentials = zkCredentials == null ? "none" : zkCredentials.substring(0, Math.max(0, zkCredentials.indexOf(':'))) + ":****";
    return "AclClientSettings[app=" + app + ", node=" + node + ", version=" + version + ", kafkaBootstrap=" + kafkaBootstrap
        + ", zooKeeper=" + zooKeeper + ", zkRoot=" + zkRoot + ", zkCredentials=" + credentials + ", snapshotFile="
        + snapshotFile + ", slice=" + slice + ", ringCapacity=" + ringCapacity + ", maxKeysPerSlice=" + maxKeysPerSlice
        + ", localLimitPerSecond=" + localLimitPerSecond + ", localLimiterSlots=" + localLimiterSlots + ", unparseable="
        + unparseable + ", accessTopic=" + accessTopic + ", noticesTopic=" + noticesTopic + ", producerOverrides="
        + producerOverrides.keySet() + ", modeUntilRules=" + modeUntilRules + ", noticeGuard=" + noticeGuard
        + ", kafkaProperties=" + kafkaProperties.keySet() + ", zkClientConfig=" + zkClientConfig.keySet() + "]";
  }

  /** How the producer and consumers reach Kafka; only when {@link #kafkaBootstrap} is set. */
  public KafkaConnection kafkaConnection() {
    return new KafkaConnection(kafkaBootstrap, kafkaProperties);
  }
}
