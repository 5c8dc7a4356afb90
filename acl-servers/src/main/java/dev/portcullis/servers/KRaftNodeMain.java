package dev.portcullis.servers;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * The main class of one node of a {@link KRaftCluster}, run in its own JVM so that a test can kill it
 * for real: {@code KRaftNodeMain <server.properties>} (storage already formatted). Runs until the
 * process is stopped.
 */
public final class KRaftNodeMain {

  private KRaftNodeMain() {}

  public static void main(String[] args) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
      p.load(r);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "kraft-node-shutdown"));
    server.startup();
    server.awaitShutdown();
  }
}
