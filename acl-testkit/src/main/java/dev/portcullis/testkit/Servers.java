package dev.portcullis.testkit;

import dev.portcullis.servers.InJvmZooKeeper;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.KafkaBroker;
import dev.portcullis.servers.Redis;
import dev.portcullis.servers.RedisCluster;
import dev.portcullis.servers.RedisClusterProcesses;
import dev.portcullis.servers.RedisProcess;
import dev.portcullis.servers.ZooKeeper;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Starts real servers. The backend is chosen by the system property {@code portcullis.test.servers}:
 * {@code local} (in-JVM Kafka and ZooKeeper, local {@code redis-server} processes), {@code docker}
 * (Testcontainers; fails if no engine answers), or {@code auto} (default: Docker if an engine
 * answers, else local). Every server listens on loopback only. A server that cannot start fails with
 * the reason; nothing is skipped.
 */
public final class Servers {

  /** Where servers run. */
  public enum Backend {
    LOCAL,
    DOCKER
  }

  private static final Logger LOG = LoggerFactory.getLogger(Servers.class);

  private final Backend backend;

  public Servers(Backend backend) {
    this.backend = backend;
  }

  /** Servers on the backend the system property asks for. */
  public static Servers fromSystemProperties() {
    String wanted = System.getProperty("portcullis.test.servers", "auto").toLowerCase(Locale.ROOT);
    switch (wanted) {
      case "local":
        return new Servers(Backend.LOCAL);
      case "docker":
        if (!dockerAvailable()) {
          throw new IllegalStateException("portcullis.test.servers=docker but no Docker engine answers");
        }
        return new Servers(Backend.DOCKER);
      case "auto":
        Backend b = dockerAvailable() ? Backend.DOCKER : Backend.LOCAL;
        LOG.info("real servers for tests run on the {} backend (portcullis.test.servers=auto{})", b,
            b == Backend.LOCAL ? ", no Docker engine answered" : "");
        return new Servers(b);
      default:
        throw new IllegalArgumentException("portcullis.test.servers must be auto, local or docker, was " + wanted);
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  public Backend backend() {
    return backend;
  }

  public KafkaBroker kafka() {
    return backend == Backend.DOCKER ? ContainerServers.kafka() : KRaftBroker.start();
  }

  public ZooKeeper zooKeeper() {
    return backend == Backend.DOCKER ? ContainerServers.zooKeeper() : InJvmZooKeeper.start();
  }


  public Redis redis() {
    return backend == Backend.DOCKER ? ContainerServers.redis() : RedisProcess.startStandalone();
  }

  /** Always local processes; see {@link ContainerServers} for why. */
  public RedisCluster redisCluster() {
    return RedisClusterProcesses.start();
  }
}
