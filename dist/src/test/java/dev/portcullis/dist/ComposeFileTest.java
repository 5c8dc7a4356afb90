package dev.portcullis.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.aggregator.AggregatorConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so compose.yaml is checked statically: it parses, it has the services
 * the README promises, its published ports are loopback-only, and the config files it mounts exist
 * and are valid.
 */
class ComposeFileTest {

  @Test
  void composeFile_parsesAndReferencesValidConfigs() throws Exception {
    JsonNode compose = new YAMLMapper().readTree(Files.readAllBytes(Path.of("..", "compose.yaml")));
    JsonNode services = compose.get("services");
    for (String s : List.of("kafka", "zookeeper", "redis-1", "redis-2", "redis-3", "redis-cluster-create", "aggregator",
        "notifier")) {
      assertThat(services.has(s)).as("service " + s).isTrue();
    }
    assertThat(services.get("aggregator").get("deploy").get("replicas").asInt()).isEqualTo(2);
    for (JsonNode service : services) {
      if (service.has("ports")) {
        for (JsonNode p : service.get("ports")) {
          assertThat(p.asText()).as("published ports bind loopback only").startsWith("127.0.0.1:");
        }
      }
    }
    AggregatorConfigFile.read(Path.of("..", "config", "compose", "aggregator.yml"));
    assertThat(Files.readString(Path.of("..", "config", "compose", "notifier.yml"))).contains("token");
    assertThat(Files.exists(Path.of("..", "Dockerfile"))).isTrue();
  }
}
