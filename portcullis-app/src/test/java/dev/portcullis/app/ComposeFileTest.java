package dev.portcullis.app;

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
 * and are valid. Where a Compose CLI is installed (no engine needed), Compose validates the file too.
 */
class ComposeFileTest {

  @Test
  void composeFile_parsesAndReferencesValidConfigs() throws Exception {
    JsonNode compose = new YAMLMapper().readTree(Files.readAllBytes(Path.of("..", "compose.yaml")));
    JsonNode services = compose.get("services");
    for (String s : List.of("kafka-1", "kafka-2", "kafka-3", "zookeeper-1", "zookeeper-2", "zookeeper-3", "redis-1",
        "redis-2", "redis-3", "redis-4", "redis-5", "redis-6", "redis-cluster-create", "aggregator", "notifier", "sample",
        "gate", "nginx", "prometheus", "grafana")) {
      assertThat(services.has(s)).as("service " + s).isTrue();
    }
    // the replicated topology: RF 3 and min.insync.replicas 2, three voters, a replica per Redis master
    JsonNode kafka = services.get("kafka-1").get("environment");
    assertThat(kafka.get("KAFKA_DEFAULT_REPLICATION_FACTOR").asInt()).isEqualTo(3);
    assertThat(kafka.get("KAFKA_MIN_INSYNC_REPLICAS").asInt()).isEqualTo(2);
    assertThat(kafka.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").asInt()).isEqualTo(2);
    assertThat(kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS").asText().split(",")).hasSize(3);
    assertThat(services.get("zookeeper-1").get("environment").get("ZOO_SERVERS").asText().split(" ")).hasSize(3);
    assertThat(services.get("redis-cluster-create").get("entrypoint").toString()).contains("--cluster-replicas 1");
    assertThat(services.get("aggregator").get("deploy").get("replicas").asInt()).isEqualTo(2);
    for (JsonNode service : services) {
      if (service.has("ports")) {
        for (JsonNode p : service.get("ports")) {
          assertThat(p.asText()).as("published ports bind loopback only").startsWith("127.0.0.1:");
        }
      }
    }
    for (JsonNode service : services) {
      for (JsonNode v : service.path("volumes")) {
        Path mounted = Path.of("..").resolve(v.asText().split(":")[0]);
        assertThat(Files.exists(mounted)).as("mounted " + v.asText()).isTrue();
      }
    }
    AggregatorConfigFile.read(Path.of("..", "config", "compose", "aggregator.yml"));
    dev.portcullis.gate.GateSettings.load(Path.of("..", "config", "compose", "gate.yml"));
    dev.portcullis.gate.GateSettings.load(Path.of("..", "config", "gate.yml"));
    JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(Files.readAllBytes(Path.of("..", "config", "grafana", "dashboards", "portcullis.json")));
    assertThat(dashboard.get("panels")).as("Grafana dashboard panels").hasSizeGreaterThan(5);
    JsonNode rules = new YAMLMapper().readTree(Files.readAllBytes(Path.of("..", "config", "prometheus", "portcullis-alerts.yml")));
    assertThat(rules.get("groups").get(0).get("rules")).allSatisfy(r -> {
      assertThat(r.get("alert").asText()).isNotBlank();
      assertThat(r.get("expr").asText()).isNotBlank();
    });
    assertThat(Files.readString(Path.of("..", "config", "compose", "notifier.yml"))).contains("token");
    assertThat(Files.exists(Path.of("..", "Dockerfile"))).isTrue();
  }

  @Test
  void composeFile_isValidForComposeItself_whereACliIsInstalled() throws Exception {
    List<String> cli = composeCli();
    if (cli == null) {
      System.out.println("ComposeFileTest: no docker-compose or 'docker compose' on the PATH; Compose's own"
          + " validation NOT run (.ci/run installs Debian's docker-compose)");
      return;
    }
    List<String> command = new java.util.ArrayList<>(cli);
    command.addAll(List.of("-f", "compose.yaml", "config", "-q"));
    Process p = new ProcessBuilder(command).directory(Path.of("..").toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + " said: " + output).isZero();
    System.out.println("ComposeFileTest: " + String.join(" ", command) + " accepted compose.yaml");
  }

  /** {@code docker-compose} (v1), else {@code docker compose} (v2 plugin), else null. */
  private static List<String> composeCli() throws InterruptedException {
    for (List<String> candidate : List.of(List.of("docker-compose"), List.of("docker", "compose"))) {
      try {
        List<String> version = new java.util.ArrayList<>(candidate);
        version.add("version");
        Process p = new ProcessBuilder(version).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (java.io.IOException notInstalled) {
        // try the next
      }
    }
    return null;
  }
}
