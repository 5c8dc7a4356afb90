package dev.portcullis.testkit;

import dev.portcullis.servers.KafkaBroker;
import dev.portcullis.servers.Redis;
import dev.portcullis.servers.ZooKeeper;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports.Binding;
import java.util.List;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same servers as Testcontainers containers, used when a Docker engine is present. Every
 * published port is bound to 127.0.0.1 only. Stopping a server pauses its container, so that the
 * port mapping survives; clients see a server that stopped answering.
 *
 * <p>The Redis Cluster has no container form here: its nodes must announce addresses reachable
 * from the host, which needs host networking; it always runs as local processes.
 */
final class ContainerServers {

  static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
  static final String ZOOKEEPER_IMAGE = "zookeeper:3.9";
  static final String REDIS_IMAGE = "redis:7.4-alpine";

  private ContainerServers() {}

  private static <T extends GenericContainer<?>> T loopbackOnly(T container, int... ports) {
    container.withCreateContainerCmdModifier(cmd -> {
      HostConfig hc = cmd.getHostConfig() == null ? new HostConfig() : cmd.getHostConfig();
      PortBinding[] bindings = new PortBinding[ports.length];
      for (int i = 0; i < ports.length; i++) {
        bindings[i] = new PortBinding(Binding.bindIp("127.0.0.1"), new ExposedPort(ports[i]));
      }
      cmd.withHostConfig(hc.withPortBindings(bindings));
    });
    return container;
  }

  private static void pause(GenericContainer<?> c) {
    c.getDockerClient().pauseContainerCmd(c.getContainerId()).exec();
  }

  private static void unpause(GenericContainer<?> c) {
    c.getDockerClient().unpauseContainerCmd(c.getContainerId()).exec();
  }

  static KafkaBroker kafka() {
    KafkaContainer c = loopbackOnly(new KafkaContainer(KAFKA_IMAGE), 9092);
    c.start();
    return new KafkaBroker() {
      @Override
      public String bootstrapServers() {
        return c.getBootstrapServers();
      }

      @Override
      public void stop() {
        pause(c);
      }

      @Override
      public void restart() {
        unpause(c);
      }

      @Override
      public String describe() {
        return "Kafka container " + KAFKA_IMAGE + " at " + bootstrapServers();
      }

      @Override
      public void close() {
        c.stop();
      }
    };
  }

  static ZooKeeper zooKeeper() {
    GenericContainer<?> c = loopbackOnly(new GenericContainer<>(ZOOKEEPER_IMAGE).withExposedPorts(2181), 2181);
    c.start();
    return new ZooKeeper() {
      @Override
      public String connectString() {
        return "127.0.0.1:" + c.getMappedPort(2181);
      }

      @Override
      public void stop() {
        pause(c);
      }

      @Override
      public void restart() {
        unpause(c);
      }

      @Override
      public String describe() {
        return "ZooKeeper container " + ZOOKEEPER_IMAGE + " at " + connectString();
      }

      @Override
      public void close() {
        c.stop();
      }
    };
  }

  static Redis redis() {
    GenericContainer<?> c = loopbackOnly(new GenericContainer<>(REDIS_IMAGE).withExposedPorts(6379)
        .withCommand("redis-server", "--save", "", "--appendonly", "no"), 6379);
    c.start();
    return new Redis() {
      @Override
      public String host() {
        return "127.0.0.1";
      }

      @Override
      public int port() {
        return c.getMappedPort(6379);
      }

      @Override
      public void stop() {
        pause(c);
      }

      @Override
      public void start() {
        unpause(c);
      }

      @Override
      public String describe() {
        return "Redis container " + REDIS_IMAGE + " at 127.0.0.1:" + port();
      }

      @Override
      public void close() {
        c.stop();
      }
    };
  }

  static List<String> images() {
    return List.of(KAFKA_IMAGE, ZOOKEEPER_IMAGE, REDIS_IMAGE);
  }
}
