package dev.portcullis.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AggregatorConfigFileTest {

  @TempDir
  Path tmp;

  @Test
  void exampleConfigInTheRepository_parses() {
    AggregatorSettings s = AggregatorConfigFile.read(Path.of("..", "config", "aggregator.yml"));
    assertThat(s.redis().cluster()).isTrue();
    assertThat(s.redis().nodes()).hasSize(3);
    assertThat(s.flushInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.commitInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.partitions()).isEqualTo(12);
    assertThat(s.adminPort()).isEqualTo(8091);
    assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void badConfig_listsEveryProblemWithTheFile() throws Exception {
    Path f = tmp.resolve("bad.yml");
    Files.writeString(f, "kafka: {bootstrapServers: x:1, partitions: 0}\nredis: {nodes: [nohost]}\nwindows: {shards: 0}\nsurprise: 1\n");
    assertThatThrownBy(() -> AggregatorConfigFile.read(f))
        .hasMessageContaining("bad.yml")
        .hasMessageContaining("kafka.partitions must be >= 1")
        .hasMessageContaining("redis node must be host:port")
        .hasMessageContaining("windows.shards must be >= 1")
        .hasMessageContaining("surprise is not a known field");
  }

  @Test
  void unknownKeysInsideSections_areNamedWithTheirPath() throws Exception {
    Path f = tmp.resolve("nested.yml");
    Files.writeString(f, "kafka: {bootstrapServers: x:1, partitons: 3}\nredis: {nodes: [h:1]}\nstore: {type: rocksdb, dir: /x}\n");
    assertThatThrownBy(() -> AggregatorConfigFile.read(f))
        .hasMessageContaining("kafka.partitons is not a known field")
        .hasMessageContaining("store.dir is not a known field");
  }

  @Test
  void badValues_areAllReportedTogether() throws Exception {
    Path f = tmp.resolve("values.yml");
    Files.writeString(f, "kafka: {bootstrapServers: x:1, sessionTimeout: PT2S}\nredis: {nodes: [h:1]}\n"
        + "windows: {flushInterval: 250ms, quotaZone: Mars/Base, ipv6Prefix: 129}\nstore: {type: TAPE, memoryMb: 8}\nadminPort: 70000\n");
    assertThatThrownBy(() -> AggregatorConfigFile.read(f))
        .hasMessageContaining("windows.flushInterval must be an ISO-8601 duration")
        .hasMessageContaining("windows.quotaZone must be a time zone id, was \"Mars/Base\"")
        .hasMessageContaining("windows.ipv6Prefix must be <= 128, was 129")
        .hasMessageContaining("store.type must be ROCKSDB or IN_MEMORY, was \"TAPE\"")
        .hasMessageContaining("store.memoryMb must be >= 16, was 8")
        .hasMessageContaining("kafka.sessionTimeout must be at least PT6S, was PT2S")
        .hasMessageContaining("adminPort must be <= 65535, was 70000");
  }

  @Test
  void prefixLengths_areListsPerFamily_theOlderSingleLengthStillReads_andBadOnesAreNamed() throws Exception {
    Path f = tmp.resolve("prefixes.yml");
    Files.writeString(f, "kafka: {bootstrapServers: k:9092}\nredis: {nodes: [r:6379]}\n"
        + "windows: {ipv4Prefixes: [24, 20, 16], ipv6Prefix: 64}\n");
    AggregatorSettings s = AggregatorConfigFile.read(f);
    assertThat(s.prefixes().ipv4()).containsExactly(24, 20, 16);
    assertThat(s.prefixes().ipv6()).as("the one length of ipv6Prefix").containsExactly(64);
    Path defaults = tmp.resolve("defaults.yml");
    Files.writeString(defaults, "kafka: {bootstrapServers: k:9092}\nredis: {nodes: [r:6379]}\n");
    assertThat(AggregatorConfigFile.read(defaults).prefixes()).isEqualTo(PrefixLengths.DEFAULT);
    Path bad = tmp.resolve("bad-prefixes.yml");
    Files.writeString(bad, "kafka: {bootstrapServers: k:9092}\nredis: {nodes: [r:6379]}\n"
        + "windows: {ipv4Prefixes: [24, 24], ipv6Prefixes: [64, 200], ipv4Prefix: 24}\n");
    assertThatThrownBy(() -> AggregatorConfigFile.read(bad))
        .hasMessageContaining("windows.ipv4Prefix and ipv4Prefixes are both set")
        .hasMessageContaining("windows.ipv6Prefixes[1] must be <= 128, was 200");
  }

  @Test
  void missingSections_areRequired() throws Exception {
    Path f = tmp.resolve("empty.yml");
    Files.writeString(f, "streamThreads: 2\n");
    assertThatThrownBy(() -> AggregatorConfigFile.read(f))
        .hasMessageContaining("kafka is required")
        .hasMessageContaining("redis is required");
  }

  @Test
  void leftOutSettings_takeTheDefaults() throws Exception {
    Path f = tmp.resolve("minimal.yml");
    Files.writeString(f, "kafka: {bootstrapServers: k:9092}\nredis: {nodes: [r:6379]}\n");
    AggregatorSettings s = AggregatorConfigFile.read(f);
    AggregatorSettings d = AggregatorSettings.defaults("k:9092", s.redis(), s.stateDir());
    assertThat(s.shards()).isEqualTo(d.shards());
    assertThat(s.flushInterval()).isEqualTo(d.flushInterval());
    assertThat(s.storeType()).isEqualTo(d.storeType());
    assertThat(s.storeMemoryMb()).isEqualTo(AggregatorSettings.DEFAULT_STORE_MEMORY_MB);
    assertThat(s.sessionTimeout()).isEqualTo(AggregatorSettings.DEFAULT_SESSION_TIMEOUT);
    assertThat(s.streamThreads()).isEqualTo(1);
    assertThat(s.exactlyOnce()).isTrue();
    assertThat(s.redis().cluster()).isFalse();
  }

  @Test
  void aSecuredConfig_givesEveryKafkaClientTheConnection_andRedisItsUserAndTls() throws Exception {
    Path props = Files.writeString(tmp.resolve("kafka.properties"), "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
    Path f = tmp.resolve("secured.yml");
    Files.writeString(f, String.join("\n",
        "kafka:",
        "  bootstrapServers: k:9093",
        "  propertiesFile: " + props,
        "  properties: {ssl.truststore.type: PEM, ssl.truststore.location: /etc/portcullis/ca.pem}",
        "redis: {nodes: [r:6380], user: aggregator, password: env:PORTCULLIS_REDIS_PASSWORD, tls: true, caFile: /ca.pem}",
        ""));
    AggregatorSettings s = AggregatorConfigFile.read(f);
    assertThat(s.kafka().configs()).containsEntry("security.protocol", "SASL_SSL").containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("bootstrap.servers", "k:9093");
    assertThat(AggregatorWorker.streamsConfig(s, null)).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    assertThat(s.redis().security().user()).isEqualTo("aggregator");
    assertThat(s.redis().security().tls()).isTrue();
    assertThat(s.redis().security().password().reference()).isEqualTo("env:PORTCULLIS_REDIS_PASSWORD");
  }

  @Test
  void aLiteralPassword_andAKafkaPropertyThatIsNotAConnectionSetting_areRefused() throws Exception {
    Path f = tmp.resolve("bad-secrets.yml");
    Files.writeString(f, "kafka: {bootstrapServers: k:9093, properties: {acks: '0'}}\n"
        + "redis: {nodes: [r:6380], user: aggregator, password: hunter2}\n");
    assertThatThrownBy(() -> AggregatorConfigFile.read(f))
        .hasMessageContaining("kafka property acks is not a connection setting")
        .hasMessageContaining("file:/path or env:NAME")
        .hasMessageNotContaining("hunter2");
  }
}
