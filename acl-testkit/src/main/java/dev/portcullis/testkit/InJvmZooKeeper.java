package dev.portcullis.testkit;

import java.io.IOException;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/** A real ZooKeeper server in this JVM (curator-test {@code TestingServer}), bound to 127.0.0.1. */
final class InJvmZooKeeper implements ZooKeeper {

  private final TestingServer server;

  private InJvmZooKeeper(TestingServer server) {
    this.server = server;
  }

  static InJvmZooKeeper start() {
    return start(-1);
  }

  /** On {@code port} of 127.0.0.1, or any free port for -1. */
  static InJvmZooKeeper start(int port) {
    try {
      InstanceSpec spec = new InstanceSpec(null, port, -1, -1, true, -1, -1, -1,
          Map.of("clientPortAddress", "127.0.0.1", "admin.enableServer", "false"), "127.0.0.1");
      return new InJvmZooKeeper(new TestingServer(spec, true));
    } catch (Exception e) {
      throw new IllegalStateException("could not start an in-JVM ZooKeeper: " + e, e);
    }
  }

  @Override
  public String connectString() {
    return server.getConnectString();
  }

  @Override
  public void stop() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new IllegalStateException("could not stop ZooKeeper", e);
    }
  }

  @Override
  public void restart() {
    try {
      server.restart();
    } catch (Exception e) {
      throw new IllegalStateException("could not restart ZooKeeper on " + connectString(), e);
    }
  }

  @Override
  public String describe() {
    return "in-JVM ZooKeeper at " + connectString();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new IllegalStateException("could not close ZooKeeper", e);
    }
  }
}
