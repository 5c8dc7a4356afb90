package dev.portcullis.aggregator;

import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.transport.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

/**
 * Everything the aggregator is configured with, validated as a whole.
 *
 * @param secondWindows  how many 1 s windows each key retains (the grace for late records is one less)
 * @param minuteWindows  how many 1 min windows each key retains
 * @param flushInterval  how often changed windows are written to Redis (from the counts as they are,
 *                       committed or not: a flush writes absolute counts, and a replay rewrites them)
 * @param commitInterval how often the worker commits (with exactly-once, one transaction): each changed
 *                       key's state goes to the changelog once per commit, so a longer interval costs
 *                       fewer changelog writes, a longer replay after a crash, and a later view of the
 *                       counts sent through the rekeyed topic (quota shares, foreign producers' records)
 * @param kafka          the brokers and the connection's properties (SASL, TLS), for every client the worker makes
 * @param adminPort      port of the health/metrics endpoint; 0 for any free port, -1 for none
 * @param adminHost      the address it listens on: 127.0.0.1 unless a scraper elsewhere must reach it
 * @param prefixes       the prefix lengths counted beside each address
 * @param storeMemoryMb  the off-heap memory all RocksDB stores of the worker share: block cache, index and
 *                       filters, and the memtables (at most half of it); unused with the in-memory store
 * @param sessionTimeout how long the group waits for a worker that stopped heartbeating (a crash, a
 *                       partition from the brokers) before its partitions go to the others; a worker that
 *                       closes leaves the group at once
 */
public record AggregatorSettings(
    KafkaConnection kafka, String applicationId, String accessTopic, String dlqTopic, int partitions,
    RedisEndpoints redis, int shards, Duration flushInterval, Duration commitInterval, int secondWindows,
    int minuteWindows, PrefixLengths prefixes, ZoneId quotaZone, StoreType storeType, Path stateDir,
    int streamThreads, boolean exactlyOnce, int adminPort, String adminHost, int storeMemoryMb,
    Duration sessionTimeout) {

  /** The default of {@link #storeMemoryMb()}. */
  public static final int DEFAULT_STORE_MEMORY_MB = 256;

  /**
   * The default of {@link #sessionTimeout()}: Kafka's own (45 s) leaves a crashed worker's partitions
   * uncounted, and so its offenders unjudged, for that long.
   */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

  /** Where the per-key window state lives between commits. */
  public enum StoreType { ROCKSDB, IN_MEMORY }

  public AggregatorSettings {
    require(kafka != null, "kafka must be set");
    require(applicationId != null && applicationId.matches("[A-Za-z0-9._-]{1,200}"),
        "applicationId must be 1-200 characters of letters, digits, '.', '_', '-', was " + applicationId);
    require(partitions >= 1 && partitions <= 1000, "partitions must be 1-1000, was " + partitions);
    require(redis != null, "redis must be set");
    new RedisKeys(shards);
    require(flushInterval.toMillis() >= 10 && flushInterval.toMillis() <= 60_000,
        "flushInterval must be between 10 ms and 60 s, was " + flushInterval);
    require(commitInterval.toMillis() >= 100 && commitInterval.toMillis() <= 60_000,
        "commitInterval must be between 100 ms and 60 s, was " + commitInterval);
    require(secondWindows >= 2 && secondWindows <= 60, "secondWindows must be 2-60, was " + secondWindows);
    require(minuteWindows >= 2 && minuteWindows <= 60, "minuteWindows must be 2-60, was " + minuteWindows);
    require(prefixes != null, "prefixes must be set");
    require(quotaZone != null, "quotaZone must be set");
    require(storeType != null, "storeType must be set");
    require(streamThreads >= 1 && streamThreads <= 64, "streamThreads must be 1-64, was " + streamThreads);
    require(adminPort >= -1 && adminPort <= 65535, "adminPort must be -1, 0 or a port, was " + adminPort);
    require(adminHost != null && !adminHost.isBlank(), "adminHost must be an address to listen on, e.g. 127.0.0.1");
    require(sessionTimeout != null && sessionTimeout.toMillis() >= 6_000 && sessionTimeout.toMillis() <= 1_800_000,
        "sessionTimeout must be between 6 s and 30 min (the brokers' default group.min/max.session.timeout.ms), was "
            + sessionTimeout);
    require(storeMemoryMb >= 16 && storeMemoryMb <= 1 << 20, "storeMemoryMb must be 16-1048576, was " + storeMemoryMb);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Defaults for everything but the servers. */
  public static AggregatorSettings defaults(String bootstrapServers, RedisEndpoints redis, Path stateDir) {
    return new AggregatorSettings(KafkaConnection.plaintext(bootstrapServers), "portcullis-aggregator", KafkaKeys.ACCESS_TOPIC,
        KafkaKeys.ACCESS_DLQ_TOPIC, 12, redis, RedisKeys.DEFAULT_SHARDS, Duration.ofMillis(250), Duration.ofSeconds(3), 4, 3,
        PrefixLengths.DEFAULT,
        ZoneId.of("UTC"), StoreType.ROCKSDB, stateDir, 1, true, 0, "127.0.0.1",
        DEFAULT_STORE_MEMORY_MB, DEFAULT_SESSION_TIMEOUT);
  }

  /** Kafka's bootstrap servers. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The same settings reaching Kafka through {@code connection} (SASL, TLS). */
  public AggregatorSettings withKafka(KafkaConnection connection) {
    return new AggregatorSettings(connection, applicationId, accessTopic, dlqTopic, partitions, redis, shards,
        flushInterval, commitInterval, secondWindows, minuteWindows, prefixes, quotaZone, storeType, stateDir,
        streamThreads, exactlyOnce, adminPort, adminHost, storeMemoryMb, sessionTimeout);
  }

  public AggregatorSettings withApplicationId(String id) {
    return new AggregatorSettings(kafka, id, accessTopic, dlqTopic, partitions, redis, shards, flushInterval,
        commitInterval, secondWindows, minuteWindows, prefixes, quotaZone, storeType, stateDir, streamThreads,
        exactlyOnce, adminPort, adminHost, storeMemoryMb, sessionTimeout);
  }

  public AggregatorSettings withTopics(String access, String dlq, int partitionCount) {
    return new AggregatorSettings(kafka, applicationId, access, dlq, partitionCount, redis, shards,
        flushInterval, commitInterval, secondWindows, minuteWindows, prefixes, quotaZone, storeType, stateDir,
        streamThreads, exactlyOnce, adminPort, adminHost, storeMemoryMb, sessionTimeout);
  }

  public AggregatorSettings withStore(StoreType type, Path dir) {
    return new AggregatorSettings(kafka, applicationId, accessTopic, dlqTopic, partitions, redis, shards,
        flushInterval, commitInterval, secondWindows, minuteWindows, prefixes, quotaZone, type, dir, streamThreads,
        exactlyOnce, adminPort, adminHost, storeMemoryMb, sessionTimeout);
  }

  public AggregatorSettings withAdminPort(int port) {
    return new AggregatorSettings(kafka, applicationId, accessTopic, dlqTopic, partitions, redis, shards,
        flushInterval, commitInterval, secondWindows, minuteWindows, prefixes, quotaZone, storeType, stateDir,
        streamThreads, exactlyOnce, port, adminHost, storeMemoryMb, sessionTimeout);
  }

  public AggregatorSettings withIntervals(Duration flush, Duration commit) {
    return new AggregatorSettings(kafka, applicationId, accessTopic, dlqTopic, partitions, redis, shards,
        flush, commit, secondWindows, minuteWindows, prefixes, quotaZone, storeType, stateDir, streamThreads,
        exactlyOnce, adminPort, adminHost, storeMemoryMb, sessionTimeout);
  }

  public AggregatorSettings withPrefixes(PrefixLengths lengths) {
    return new AggregatorSettings(kafka, applicationId, accessTopic, dlqTopic, partitions, redis, shards,
        flushInterval, commitInterval, secondWindows, minuteWindows, lengths, quotaZone, storeType, stateDir,
        streamThreads, exactlyOnce, adminPort, adminHost, storeMemoryMb, sessionTimeout);
  }

  public AggregatorSettings withStreamThreads(int threads) {
    return new AggregatorSettings(kafka, applicationId, accessTopic, dlqTopic, partitions, redis, shards,
        flushInterval, commitInterval, secondWindows, minuteWindows, prefixes, quotaZone, storeType, stateDir,
        threads, exactlyOnce, adminPort, adminHost, storeMemoryMb, sessionTimeout);
  }

  public AggregatorSettings withSessionTimeout(Duration timeout) {
    return new AggregatorSettings(kafka, applicationId, accessTopic, dlqTopic, partitions, redis, shards,
        flushInterval, commitInterval, secondWindows, minuteWindows, prefixes, quotaZone, storeType, stateDir,
        streamThreads, exactlyOnce, adminPort, adminHost, storeMemoryMb, timeout);
  }

  public AggregatorSettings withStoreMemoryMb(int mb) {
    return new AggregatorSettings(kafka, applicationId, accessTopic, dlqTopic, partitions, redis, shards,
        flushInterval, commitInterval, secondWindows, minuteWindows, prefixes, quotaZone, storeType, stateDir,
        streamThreads, exactlyOnce, adminPort, adminHost, mb, sessionTimeout);
  }
}
