package dev.portcullis.client.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.client.AclClientSettings;
import dev.portcullis.client.decide.UnparseableAddressPolicy;
import dev.portcullis.client.notice.NoticeGuard;
import dev.portcullis.config.AppMode;
import dev.portcullis.client.emit.AccessPartitioner;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientConfigsTest {

  private static final Map<String, String> SASL_SSL = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism",
      "SCRAM-SHA-512", "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
          + " username=\"svc\" password=\"jaas-pw-77\";", "ssl.truststore.location", "/etc/portcullis/ca.pem",
      "ssl.truststore.type", "PEM");

  private static AclClientSettings settings(Map<String, Object> overrides, String zkCredentials) {
    return settings(overrides, zkCredentials, Map.of());
  }

  private static AclClientSettings settings(Map<String, Object> overrides, String zkCredentials, Map<String, String> kafka) {
    return new AclClientSettings("shop", "shop-1:8080", "0.1.0", "127.0.0.1:9092", "127.0.0.1:2181", "/portcullis",
        zkCredentials, null, Duration.ofMillis(100), 1 << 16, 100_000, 0, 1 << 16, UnparseableAddressPolicy.BY_MODE,
        "acl.access", "acl.notices", overrides, AppMode.OPEN, NoticeGuard.DEFAULT, kafka, Map.of());
  }

  @Test
  void connectionProperties_reachTheProducerAndTheNoticeConsumerAlike() {
    AclClientSettings s = settings(Map.of(), null, SASL_SSL);
    assertThat(KafkaClientConfigs.accessProducer(s)).containsAllEntriesOf(SASL_SSL);
    assertThat(KafkaClientConfigs.noticeConsumer(s, Duration.ofSeconds(30))).containsAllEntriesOf(SASL_SSL)
        .containsEntry("enable.auto.commit", false);
  }

  @Test
  void aPropertyThatIsNotAConnectionSetting_isRefusedNamingIt() {
    assertThatThrownBy(() -> settings(Map.of(), null, Map.of("group.id", "mine")))
        .hasMessageContaining("kafka property group.id is not a connection setting");
    assertThatThrownBy(() -> settings(Map.of(), null, Map.of("enable.auto.commit", "true")))
        .hasMessageContaining("enable.auto.commit");
  }

  @Test
  void settingsToString_namesConnectionKeysButNeverTheirSecrets() {
    String s = settings(Map.of(), null, SASL_SSL).toString();
    assertThat(s).contains("sasl.jaas.config").doesNotContain("jaas-pw-77");
  }

  @Test
  void accessProducer_neverBlocksLongAndPartitionsByBlock() {
    Map<String, Object> p = KafkaClientConfigs.accessProducer(settings(Map.of(), null));
    assertThat(p).containsEntry("max.block.ms", 200).containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true).containsEntry("partitioner.class", AccessPartitioner.class)
        .containsEntry("bootstrap.servers", "127.0.0.1:9092").containsEntry("client.id", "portcullis-shop-shop-1:8080");
  }

  @Test
  void accessProducer_overridesWinOverDefaults() {
    Map<String, Object> p = KafkaClientConfigs.accessProducer(settings(Map.of("linger.ms", 5, "security.protocol", "SSL"), null));
    assertThat(p).containsEntry("linger.ms", 5).containsEntry("security.protocol", "SSL");
  }

  @Test
  void noticeConsumer_readsFromTheBeginningWithoutCommits() {
    Map<String, Object> c = KafkaClientConfigs.noticeConsumer(settings(Map.of(), null), Duration.ofSeconds(30));
    assertThat(c).containsEntry("auto.offset.reset", "earliest").containsEntry("enable.auto.commit", false)
        .containsEntry("metadata.max.age.ms", 30_000).doesNotContainKey("group.id");
  }

  @Test
  void settingsToString_hidesTheZooKeeperPasswordAndOverrideValues() {
    String s = settings(Map.of("sasl.jaas.config", "secret-jaas"), "svc:pw123").toString();
    assertThat(s).contains("svc:****").contains("sasl.jaas.config").doesNotContain("pw123").doesNotContain("secret-jaas");
  }
}
