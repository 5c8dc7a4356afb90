package dev.portcullis.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.StringJoiner;

/**
 * A real ZooKeeper ensemble of {@code n} servers ({@code QuorumPeerMain}), each in its own JVM on
 * loopback ports. A test can {@link #kill} a member (SIGKILL), {@link #freeze} one (SIGSTOP: to its
 * peers and clients it is cut off as by a network partition, its sockets open but silent) and
 * {@link #thaw} or {@link #restart} it.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {

  private final Path dir;
  private final int[] clientPorts;
  private final Path[] configs;
  private final ChildJvms jvms;

  private ZooKeeperEnsemble(Path dir, int[] clientPorts, Path[] configs) {
    this.dir = dir;
    this.clientPorts = clientPorts;
    this.configs = configs;
    this.jvms = new ChildJvms(dir, "member", clientPorts.length);
  }

  /** Starts {@code members} servers and waits until each serves (a quorum formed). */
  public static ZooKeeperEnsemble start(int members) {
    if (members < 1 || members > 9) {
      throw new IllegalArgumentException("members must be 1-9, was " + members);
    }
    try {
      Path dir = Files.createTempDirectory("portcullis-zk-ensemble-");
      int[] clients = new int[members];
      StringBuilder servers = new StringBuilder();
      int[] ports = Ports.freeLoopbackPorts(3 * members);
      for (int i = 0; i < members; i++) {
        clients[i] = ports[3 * i];
        servers.append("server.").append(i + 1).append("=127.0.0.1:").append(ports[3 * i + 1]).append(':')
            .append(ports[3 * i + 2]).append('\n');
      }
      Path[] configs = new Path[members];
      for (int i = 0; i < members; i++) {
        Path data = dir.resolve("member-" + (i + 1));
        Files.createDirectories(data);
        Files.writeString(data.resolve("myid"), Integer.toString(i + 1));
        configs[i] = dir.resolve("zoo-" + (i + 1) + ".cfg");
        Files.writeString(configs[i], "tickTime=500\ninitLimit=20\nsyncLimit=4\n"
            + "dataDir=" + data + "\nclientPort=" + clients[i] + "\nclientPortAddress=127.0.0.1\n"
            + "admin.enableServer=false\nstandaloneEnabled=false\n4lw.commands.whitelist=ruok,srvr\n" + servers);
      }
      ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(dir, clients, configs);
      try {
        for (int i = 0; i < members; i++) {
          ensemble.launch(i);
        }
        for (int i = 1; i <= members; i++) {
          ensemble.awaitServing(i);
        }
      } catch (RuntimeException e) {
        ensemble.close();
        throw e;
      }
      return ensemble;
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare a ZooKeeper ensemble", e);
    }
  }

  private void launch(int i) {
    jvms.launch(i + 1, "256m", "org.apache.zookeeper.server.quorum.QuorumPeerMain", configs[i].toString());
  }

  /** Waits until member {@code id} (1-based) serves clients as part of a quorum ({@code srvr} names its mode). */
  public void awaitServing(int id) {
    Polling.await("ZooKeeper member " + id + " at 127.0.0.1:" + clientPorts[id - 1] + " to serve (logs in " + dir + ")",
        Duration.ofSeconds(60), () -> mode(id) != null);
  }

  /** {@code leader} or {@code follower} from the member's {@code srvr} answer, or null if it does not serve. */
  public String mode(int id) {
    String answer = FourLetterWord.ask(clientPorts[id - 1], "srvr");
    int at = answer == null ? -1 : answer.indexOf("Mode: ");
    return at < 0 ? null : answer.substring(at + 6).lines().findFirst().orElse("").trim();
  }

  /** The member (1-based) that leads the ensemble now, or -1. */
  public int leader() {
    for (int id = 1; id <= clientPorts.length; id++) {
      if (!isFrozen(id) && "leader".equals(mode(id))) {
        return id;
      }
    }
    return -1;
  }

  public String connectString() {
    StringJoiner j = new StringJoiner(",");
    for (int port : clientPorts) {
      j.add("127.0.0.1:" + port);
    }
    return j.toString();
  }

  /** SIGKILLs member {@code id}. */
  public void kill(int id) {
    jvms.kill(id);
  }

  /** SIGSTOPs member {@code id}: cut off from its peers and clients, as by a partition. */
  public void freeze(int id) {
    jvms.freeze(id);
  }

  /** SIGCONTs a frozen member: the partition heals. */
  public void thaw(int id) {
    jvms.thaw(id);
  }

  public boolean isFrozen(int id) {
    return jvms.isFrozen(id);
  }

  /** Starts a killed member again on its ports and data, and waits until it serves. */
  public void restart(int id) {
    launch(id - 1);
    awaitServing(id);
  }

  /** Stops every member and deletes the data. Idempotent. */
  @Override
  public void close() {
    jvms.stopAll(10);
    Folders.deleteRecursively(dir);
  }
}
