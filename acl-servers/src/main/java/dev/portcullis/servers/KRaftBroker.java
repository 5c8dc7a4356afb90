package dev.portcullis.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One real Kafka server in KRaft mode (broker and controller combined) in this JVM, listening on
 * 127.0.0.1 only. Unlike {@code KafkaClusterTestKit}, whose pre-bound sockets listen on every
 * interface, this formats its own storage with Kafka's {@link Formatter} (no {@code StorageTool},
 * so no argparse4j clash with Dropwizard) and runs {@link KafkaRaftServer} with explicit loopback
 * listeners. {@link #stop()} and {@link #restart()} keep the ports and the data, so tests can take
 * Kafka away and bring it back.
 */
public final class KRaftBroker implements KafkaBroker {

  private static final int NODE_ID = 1;

  private final Path dir;
  private final int brokerPort;
  private final KafkaConfig config;
  private final boolean deleteOnClose;
  private final Map<String, Object> adminConfigs;
  private KafkaRaftServer server;

  private KRaftBroker(Path dir, int brokerPort, KafkaConfig config, boolean deleteOnClose, Map<String, Object> adminConfigs) {
    this.dir = dir;
    this.brokerPort = brokerPort;
    this.config = config;
    this.deleteOnClose = deleteOnClose;
    this.adminConfigs = Map.copyOf(adminConfigs);
  }

  /** Formats a fresh temporary log dir and starts a broker on free loopback ports. */
  public static KRaftBroker start() {
    try {
      int[] ports = Ports.freeLoopbackPorts(2);
      return start(Files.createTempDirectory("portcullis-kafka-"), ports[0], ports[1], Map.of(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a Kafka log dir", e);
    }
  }

  /**
   * Starts a broker with its data in {@code dir} (formatted if new) on the given loopback ports.
   *
   * @param overrides extra broker settings
   */
  public static KRaftBroker start(Path dir, int brokerPort, int controllerPort, Map<String, String> overrides,
      boolean deleteOnClose) {
    return start(dir, brokerPort, controllerPort, overrides, List.of(), Map.of(), deleteOnClose);
  }

  /**
   * Starts a broker whose settings {@code overrides} may secure (listeners, SASL, TLS, an authorizer).
   *
   * @param scram        SCRAM credentials written at format time, as {@code kafka-storage format --add-scram}
   *                     takes them ({@code SCRAM-SHA-512=[name=admin,password=...]})
   * @param adminConfigs how an admin client reaches the broker (its security settings), to see it ready
   */
  public static KRaftBroker start(Path dir, int brokerPort, int controllerPort, Map<String, String> overrides,
      List<String> scram, Map<String, Object> adminConfigs, boolean deleteOnClose) {
    Path logDir = dir.resolve("data");
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "4");
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    p.putAll(overrides);
    KafkaConfig config = KafkaConfig.fromProps(p, false);
    try {
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        Files.createDirectories(logDir);
        new Formatter()
            .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
            .setNodeId(NODE_ID)
            .setClusterId(Uuid.randomUuid().toString())
            .setDirectories(List.of(logDir.toString()))
            .setMetadataLogDirectory(logDir.toString())
            .setControllerListenerName("CONTROLLER")
            .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
            .setIgnoreFormatted(true)
            .setScramArguments(scram)
            .run();
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not format Kafka storage in " + logDir + ": " + e, e);
    }
    KRaftBroker broker = new KRaftBroker(dir, brokerPort, config, deleteOnClose, adminConfigs);
    broker.restart();
    return broker;
  }

  /** Starts the server (again) on the same ports and data, and waits until it answers. */
  @Override
  public synchronized void restart() {
    if (server != null) {
      throw new IllegalStateException("the broker at " + bootstrapServers() + " is already running");
    }
    server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
      awaitReady();
    } catch (RuntimeException | AssertionError e) {
      stop();
      throw new IllegalStateException("the KRaft broker did not start on " + bootstrapServers() + ": " + e.getMessage(), e);
    }
  }

  private void awaitReady() {
    Map<String, Object> configs = new java.util.HashMap<>(adminConfigs);
    configs.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
    try (Admin admin = Admin.create(configs)) {
      Polling.await("the KRaft broker at " + bootstrapServers() + " to serve metadata", Duration.ofSeconds(60),
          () -> admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size() == 1);
    }
  }

  /** Stops the server, keeping its data and ports for {@link #restart()}. Idempotent. */
  @Override
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  @Override
  public String describe() {
    return "in-JVM KRaft broker at " + bootstrapServers();
  }

  @Override
  public synchronized void close() {
    stop();
    if (deleteOnClose) {
      Folders.deleteRecursively(dir);
    }
  }
}
