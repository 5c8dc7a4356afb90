package dev.portcullis.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.aggregator.store.BoundedRocksDbConfig;
import dev.portcullis.aggregator.store.RocksDbMemory;
import dev.portcullis.redis.RedisEndpoints;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class AggregatorWorkerConfigTest {

  private static AggregatorSettings committingEvery(Duration interval) {
    AggregatorSettings d = AggregatorSettings.defaults("127.0.0.1:9092", RedisEndpoints.of("127.0.0.1:6379", false),
        Path.of("target/unused-state"));
    return d.withIntervals(d.flushInterval(), interval);
  }

  @Test
  void aCommitIntervalLongerThanKafkaStreamsDefaultTransactionTimeout_isAcceptedWithATransactionThatOutlivesIt() {
    // Kafka Streams refuses (ConfigException) a commit interval above its default transaction timeout of 10 s
    StreamsConfig config = new StreamsConfig(AggregatorWorker.streamsConfig(committingEvery(Duration.ofSeconds(30)), null));
    Object timeout = config.getProducerConfigs("aggregator-client").get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    assertThat(Integer.parseInt(timeout.toString())).isGreaterThan(30_000);
  }

  @Test
  void aTransactionLives_tenSecondsLongerThanTheCommitInterval() {
    StreamsConfig config = new StreamsConfig(AggregatorWorker.streamsConfig(committingEvery(Duration.ofSeconds(3)), null));
    Object timeout = config.getProducerConfigs("aggregator-client").get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    assertThat(Integer.parseInt(timeout.toString())).isEqualTo(13_000);
  }

  @Test
  void rocksDbStoresGetTheBoundedSettings_andTheWorkersOneSharedMemory() {
    try (RocksDbMemory memory = new RocksDbMemory(64L << 20)) {
      StreamsConfig config = new StreamsConfig(AggregatorWorker.streamsConfig(committingEvery(Duration.ofSeconds(3)), memory));
      assertThat(config.getClass(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(BoundedRocksDbConfig.class);
      assertThat(config.originals().get(RocksDbMemory.CONFIG)).isSameAs(memory);
    }
    assertThat(AggregatorWorker.streamsConfig(committingEvery(Duration.ofSeconds(3)), null))
        .as("the in-memory store: nothing of RocksDB").doesNotContainKeys(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
            RocksDbMemory.CONFIG);
  }

  @Test
  void aCrashedWorkersPartitionsMove_afterTheConfiguredSession_notKafkasFortyFiveSeconds() {
    StreamsConfig config = new StreamsConfig(AggregatorWorker.streamsConfig(committingEvery(Duration.ofSeconds(3)), null));
    var consumer = config.getMainConsumerConfigs("g", "c", 0);
    assertThat(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(10_000);
    assertThat(consumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)).isEqualTo(3_000);

    AggregatorSettings longer = committingEvery(Duration.ofSeconds(3)).withSessionTimeout(Duration.ofSeconds(60));
    var longerConsumer = new StreamsConfig(AggregatorWorker.streamsConfig(longer, null)).getMainConsumerConfigs("g", "c", 0);
    assertThat(longerConsumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(60_000);
    assertThat(longerConsumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)).as("heartbeats no rarer than Kafka's 3 s").isEqualTo(3_000);
    AggregatorSettings shortest = committingEvery(Duration.ofSeconds(3)).withSessionTimeout(Duration.ofSeconds(6));
    var shortestConsumer = new StreamsConfig(AggregatorWorker.streamsConfig(shortest, null)).getMainConsumerConfigs("g", "c", 0);
    assertThat(shortestConsumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)).as("a third of the session").isEqualTo(2_000);
  }

  @Test
  void aRestartedWorkersWarmedUpTasks_moveBackAtAProbingRebalanceEveryMinute_onceWithinAFewCommitsOfTheEnd() {
    StreamsConfig config = new StreamsConfig(AggregatorWorker.streamsConfig(committingEvery(Duration.ofSeconds(3)), null));
    assertThat(config.getLong(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG)).isEqualTo(60_000L);
    // a commit under load writes about as many changelog records as Kafka Streams' 10,000: with it, the 10-minute
    // soak's restarted worker got no task back for 4.5 minutes (BENCHMARKS.md §15; no test of the build reproduces it)
    assertThat(config.getLong(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG)).isEqualTo(250_000L);
  }

  @Test
  void aSessionTimeoutOutsideWhatBrokersAccept_isRefusedNamingIt() {
    AggregatorSettings s = committingEvery(Duration.ofSeconds(3));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.withSessionTimeout(Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionTimeout must be between 6 s and 30 min");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.withSessionTimeout(Duration.ofMinutes(31)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionTimeout");
  }
}
