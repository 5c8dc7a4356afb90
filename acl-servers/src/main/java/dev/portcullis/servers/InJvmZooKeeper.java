package dev.portcullis.servers;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A real standalone ZooKeeper server in this JVM, ZooKeeper's own {@link ZooKeeperServer} behind an
 * NIO connection factory bound to 127.0.0.1 (no admin server, no four-letter words). Its data lives
 * in a private temporary folder, kept across {@link #stop()} and {@link #restart()} and deleted by
 * {@link #close()}.
 */
public final class InJvmZooKeeper implements ZooKeeper {

  private static final int TICK_MILLIS = 500;
  private static final int MAX_CONNECTIONS = 1_000;

  private final Path dataDir;
  private final int port;
  private ZooKeeperServer server;
  private ServerCnxnFactory connections;

  private InJvmZooKeeper(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** On a free port of 127.0.0.1. */
  public static InJvmZooKeeper start() {
    return start(Ports.freeLoopbackPort());
  }

  /** On {@code port} of 127.0.0.1. */
  public static InJvmZooKeeper start(int port) {
    try {
      InJvmZooKeeper zk = new InJvmZooKeeper(Files.createTempDirectory("portcullis-zk"), port);
      zk.restart();
      return zk;
    } catch (IOException e) {
      throw new IllegalStateException("could not start an in-JVM ZooKeeper on 127.0.0.1:" + port + ": " + e, e);
    }
  }

  @Override
  public String connectString() {
    return "127.0.0.1:" + port;
  }

  /** Stops serving, keeping the data; clients see a disconnection. Idempotent. */
  @Override
  public synchronized void stop() {
    if (connections != null) {
      connections.shutdown();
      connections = null;
    }
    if (server != null) {
      server.shutdown();
      server = null;
    }
  }

  /** Starts serving again on the same port with the same data; a no-op while running. */
  @Override
  public synchronized void restart() {
    if (server != null) {
      return;
    }
    try {
      File dir = dataDir.toFile();
      server = new ZooKeeperServer(dir, dir, TICK_MILLIS);
      connections = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), MAX_CONNECTIONS);
      connections.startup(server);
    } catch (IOException | RuntimeException e) {
      stop();
      throw new IllegalStateException("could not start ZooKeeper on " + connectString() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IllegalStateException("interrupted starting ZooKeeper on " + connectString(), e);
    }
  }

  @Override
  public String describe() {
    return "in-JVM ZooKeeper at " + connectString();
  }

  /** Stops the server and deletes its data. Idempotent. */
  @Override
  public synchronized void close() {
    stop();
    Folders.deleteRecursively(dataDir);
  }
}
