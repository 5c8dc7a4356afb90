package dev.portcullis.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionTest {

  @Test
  void configs_areTheBootstrapServersAndTheConnectionProperties() {
    KafkaConnection c = new KafkaConnection("127.0.0.1:9093", Map.of("security.protocol", "SSL",
        "ssl.keystore.location", "/k.p12", "config.providers", "env",
        "config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider"));
    assertThat(c.configs()).containsEntry("bootstrap.servers", "127.0.0.1:9093").containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.keystore.location", "/k.p12").hasSize(5);
  }

  @Test
  void propertiesThatChangeBehaviour_areRefusedNamingTheKey() {
    for (String key : new String[] {"acks", "group.id", "transactional.id", "key.serializer", "bootstrap.servers",
        "processing.guarantee"}) {
      assertThatThrownBy(() -> new KafkaConnection("h:1", Map.of(key, "x")))
          .hasMessageContaining("kafka property " + key + " is not a connection setting");
    }
  }

  @Test
  void toString_hidesPasswordsAndJaas() {
    KafkaConnection c = new KafkaConnection("h:1", Map.of("sasl.jaas.config", "... password=\"p-9\";",
        "ssl.keystore.password", "p-8", "ssl.key.password", "p-7", "sasl.mechanism", "SCRAM-SHA-512"));
    assertThat(c.toString()).contains("sasl.mechanism=SCRAM-SHA-512").contains("sasl.jaas.config=****")
        .doesNotContain("p-9").doesNotContain("p-8").doesNotContain("p-7");
  }

  @Test
  void readProperties_readsAJavaPropertiesFile(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
    assertThat(KafkaConnection.readProperties(f)).containsEntry("security.protocol", "SASL_SSL").hasSize(2);
    assertThatThrownBy(() -> KafkaConnection.readProperties(dir.resolve("absent")))
        .hasMessageContaining("cannot read Kafka properties");
  }
}
