package dev.portcullis.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka cluster of {@code n} KRaft nodes (each broker and controller, a quorum of n voters),
 * each in its own JVM on loopback ports, replicating as production does: internal topics and new
 * topics with replication factor 3 (at most n) and {@code min.insync.replicas} 2. {@link #kill}
 * SIGKILLs one node's JVM (no shutdown, no flush); {@link #restart} starts it again on its ports and
 * data.
 */
public final class KRaftCluster implements AutoCloseable {

  private final Path dir;
  private final int[] brokerPorts;
  private final Path[] configs;
  private final ChildJvms jvms;

  private KRaftCluster(Path dir, int[] brokerPorts, Path[] configs) {
    this.dir = dir;
    this.brokerPorts = brokerPorts;
    this.configs = configs;
    this.jvms = new ChildJvms(dir, "node", brokerPorts.length);
  }

  /** Formats and starts {@code nodes} nodes, and waits until every one serves as a broker. */
  public static KRaftCluster start(int nodes) {
    if (nodes < 1 || nodes > 9) {
      throw new IllegalArgumentException("nodes must be 1-9, was " + nodes);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("portcullis-kraft-cluster-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the cluster's folder", e);
    }
    int[] brokers = new int[nodes];
    int[] controllers = new int[nodes];
    StringJoiner voters = new StringJoiner(",");
    int[] ports = Ports.freeLoopbackPorts(2 * nodes);
    for (int i = 0; i < nodes; i++) {
      brokers[i] = ports[2 * i];
      controllers[i] = ports[2 * i + 1];
      voters.add((i + 1) + "@127.0.0.1:" + controllers[i]);
    }
    String clusterId = Uuid.randomUuid().toString();
    Path[] configs = new Path[nodes];
    int rf = Math.min(3, nodes);
    String minIsr = Integer.toString(Math.min(2, rf));
    for (int i = 0; i < nodes; i++) {
      Path logDir = dir.resolve("node-" + (i + 1));
      Properties p = new Properties();
      p.put("process.roles", "broker,controller");
      p.put("node.id", Integer.toString(i + 1));
      p.put("controller.quorum.voters", voters.toString());
      p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokers[i] + ",CONTROLLER://127.0.0.1:" + controllers[i]);
      p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokers[i]);
      p.put("controller.listener.names", "CONTROLLER");
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("log.dirs", logDir.toString());
      p.put("offsets.topic.replication.factor", Integer.toString(rf));
      p.put("offsets.topic.num.partitions", "4");
      p.put("transaction.state.log.replication.factor", Integer.toString(rf));
      p.put("transaction.state.log.min.isr", minIsr);
      p.put("transaction.state.log.num.partitions", "4");
      p.put("share.coordinator.state.topic.replication.factor", Integer.toString(rf));
      p.put("share.coordinator.state.topic.min.isr", minIsr);
      p.put("default.replication.factor", Integer.toString(rf));
      p.put("min.insync.replicas", minIsr);
      p.put("group.initial.rebalance.delay.ms", "0");
      p.put("auto.create.topics.enable", "false");
      p.put("num.partitions", "4");
      p.put("log.cleaner.dedupe.buffer.size", "2097152");
      p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
      p.put("unclean.leader.election.enable", "false");
      try {
        Files.createDirectories(logDir);
        new Formatter()
            .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
            .setNodeId(i + 1)
            .setClusterId(clusterId)
            .setDirectories(List.of(logDir.toString()))
            .setMetadataLogDirectory(logDir.toString())
            .setControllerListenerName("CONTROLLER")
            .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
            .setIgnoreFormatted(true)
            .run();
        configs[i] = dir.resolve("node-" + (i + 1) + ".properties");
        try (Writer w = Files.newBufferedWriter(configs[i])) {
          p.store(w, "portcullis test cluster node " + (i + 1));
        }
      } catch (Exception e) {
        throw new IllegalStateException("could not prepare KRaft node " + (i + 1) + " in " + logDir + ": " + e, e);
      }
    }
    KRaftCluster cluster = new KRaftCluster(dir, brokers, configs);
    try {
      for (int i = 0; i < nodes; i++) {
        cluster.launch(i);
      }
      cluster.awaitBrokers(nodes);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void launch(int i) {
    jvms.launch(i + 1, "384m", KRaftNodeMain.class.getName(), configs[i].toString());
  }

  /** Waits until {@code count} brokers are registered and serving metadata. */
  public void awaitBrokers(int count) {
    try (Admin admin = admin()) {
      Polling.await(count + " brokers of the cluster at " + bootstrapServers() + " (logs in " + dir + ")",
          Duration.ofSeconds(120), () -> admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size() >= count);
    }
  }

  /** An admin client of the cluster; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
  }

  /** Every node's broker address, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    StringJoiner j = new StringJoiner(",");
    for (int port : brokerPorts) {
      j.add("127.0.0.1:" + port);
    }
    return j.toString();
  }

  public int nodes() {
    return brokerPorts.length;
  }

  /** SIGKILLs node {@code id} (1-based) and waits for its JVM to be gone. */
  public void kill(int id) {
    jvms.kill(id);
  }

  /** Starts a killed node again on its ports and data, and waits until every node serves. */
  public void restart(int id) {
    launch(id - 1);
    awaitBrokers(nodes());
  }

  /** Whether node {@code id} (1-based) runs. */
  public boolean isRunning(int id) {
    return jvms.isRunning(id);
  }

  /** Stops every node (SIGTERM, then SIGKILL after 20 s) and deletes the data. Idempotent. */
  @Override
  public void close() {
    jvms.stopAll(20);
    Folders.deleteRecursively(dir);
  }
}
