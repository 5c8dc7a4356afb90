package dev.portcullis.aggregator.it;

import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.testkit.Timeouts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An aggregator worker in a child JVM, so that a test can kill it hard (SIGKILL). */
final class ChildWorker implements AutoCloseable {

  private final Process process;
  private final int adminPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private ChildWorker(Process process, int adminPort) {
    this.process = process;
    this.adminPort = adminPort;
  }

  static ChildWorker start(AggregatorSettings s, Path configFile) throws IOException {
    int port = dev.portcullis.servers.Ports.freeLoopbackPort();
    String yaml = "kafka:\n"
        + "  bootstrapServers: " + s.bootstrapServers() + "\n"
        + "  applicationId: " + s.applicationId() + "\n"
        + "  accessTopic: " + s.accessTopic() + "\n"
        + "  dlqTopic: " + s.dlqTopic() + "\n"
        + "  partitions: " + s.partitions() + "\n"
        + "redis:\n  nodes: [" + String.join(", ", s.redis().nodes()) + "]\n  cluster: " + s.redis().cluster() + "\n"
        + "store:\n  type: " + s.storeType() + "\n  stateDir: " + s.stateDir() + "\n"
        + "adminPort: " + port + "\n";
    Files.writeString(configFile, yaml);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "dev.portcullis.aggregator.AggregatorMain", configFile.toString()))
        .redirectErrorStream(true)
        .redirectOutput(configFile.resolveSibling("child.log").toFile())
        .start();
    return new ChildWorker(p, port);
  }

  private String get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  void awaitHealthy(Duration timeout) {
    Timeouts.await("the child worker to run", timeout, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("the child worker exited with " + process.exitValue());
      }
      return get("/health").contains("RUNNING");
    });
  }

  long records() throws IOException, InterruptedException {
    String body = get("/metrics");
    return Long.parseLong(body.replaceAll(".*\"records\":(\\d+).*", "$1"));
  }

  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
