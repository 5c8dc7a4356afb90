package dev.portcullis.servers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real ZooKeeper server that takes TLS connections only (ZooKeeper's Netty connection factory on a
 * {@code secureClientPort}, no plaintext port), in a child JVM of its own so that its TLS settings
 * (which ZooKeeper keeps in system properties) do not touch this JVM's other servers and clients.
 * It runs ZooKeeper's own {@code ZooKeeperServerMain} from this JVM's class path, bound to 127.0.0.1,
 * with the server certificate of {@link Certificates}; clients need not present one. A watchdog kills
 * it if this JVM dies.
 */
public final class TlsZooKeeper implements ZooKeeper {

  private final Path dir;
  private final int port;
  private Process process;
  private Process watchdog;

  private TlsZooKeeper(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts it on a free loopback port with its data and config in {@code dir}. */
  public static TlsZooKeeper start(Path dir, Certificates certs) {
    int port = Ports.freeLoopbackPort();
    try {
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(dir.resolve("zoo.cfg"), String.join("\n",
          "tickTime=500",
          "dataDir=" + dir.resolve("data"),
          "secureClientPort=" + port,
          "secureClientPortAddress=127.0.0.1",
          "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
          "ssl.keyStore.location=" + certs.keyStore("server"),
          "ssl.keyStore.password=" + certs.password(),
          "ssl.keyStore.type=PKCS12",
          "ssl.trustStore.location=" + certs.ca(),
          "ssl.trustStore.type=PEM",
          "ssl.clientAuth=none",
          "admin.enableServer=false",
          "4lw.commands.whitelist=",
          ""), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("could not write the TLS ZooKeeper's config in " + dir + ": " + e, e);
    }
    TlsZooKeeper zk = new TlsZooKeeper(dir, port);
    zk.restart();
    return zk;
  }

  /**
   * The ZooKeeper client properties that reach this server: TLS through the Netty client, trusting
   * the test CA.
   */
  public static Map<String, String> clientConfig(Certificates certs) {
    return Map.of("zookeeper.client.secure", "true",
        "zookeeper.clientCnxnSocket", "org.apache.zookeeper.ClientCnxnSocketNetty",
        "zookeeper.ssl.trustStore.location", certs.ca().toString(),
        "zookeeper.ssl.trustStore.type", "PEM");
  }

  @Override
  public String connectString() {
    return "127.0.0.1:" + port;
  }

  @Override
  public synchronized void restart() {
    if (process != null && process.isAlive()) {
      return;
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = dir.resolve("zookeeper.log");
    try {
      process = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          "org.apache.zookeeper.server.ZooKeeperServerMain", dir.resolve("zoo.cfg").toString()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      watchdog = Watchdog.guard(process);
    } catch (IOException e) {
      throw new IllegalStateException("could not start a TLS ZooKeeper: " + e, e);
    }
    long deadline = System.nanoTime() + Polling.scaled(Duration.ofSeconds(60)).toNanos();
    while (!listening()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        stop();
        throw new IllegalStateException("the TLS ZooKeeper did not start on " + connectString() + "; see " + log);
      }
      RedisProcess.pause(50);
    }
  }

  private boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public synchronized void stop() {
    Watchdog.stop(process, watchdog, 10);
    process = null;
    watchdog = null;
  }

  @Override
  public String describe() {
    return "TLS-only ZooKeeper (child JVM) at " + connectString();
  }

  @Override
  public synchronized void close() {
    stop();
    Folders.deleteRecursively(dir);
  }
}
