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
}
