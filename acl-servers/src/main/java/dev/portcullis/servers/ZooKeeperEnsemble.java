package dev.portcullis.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

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
  private final Process[] processes;
  private final Process[] watchdogs;

  private ZooKeeperEnsemble(Path dir, int[] clientPorts, Path[] configs) {
    this.dir = dir;
    this.clientPorts = clientPorts;
    this.configs = configs;
    this.processes = new Process[clientPorts.length];
    this.watchdogs = new Process[clientPorts.length];
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
      for (int i = 0; i < members; i++) {
        clients[i] = Ports.freeLoopbackPort();
        servers.append("server.").append(i + 1).append("=127.0.0.1:").append(Ports.freeLoopbackPort()).append(':')
            .append(Ports.freeLoopbackPort()).append('\n');
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

  private synchronized void launch(int i) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      processes[i] = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
          System.getProperty("java.class.path"), "org.apache.zookeeper.server.quorum.QuorumPeerMain", configs[i].toString()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("member-" + (i + 1) + ".log").toFile()))
          .start();
      watchdogs[i] = Watchdog.guard(processes[i]);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start ZooKeeper member " + (i + 1), e);
    }
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
  public synchronized void kill(int id) {
    Process p = processes[id - 1];
    if (p != null) {
      signal(p, "CONT"); // a frozen process dies as well
      p.destroyForcibly();
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      processes[id - 1] = null;
      Watchdog.stop(null, watchdogs[id - 1], 0);
      watchdogs[id - 1] = null;
      frozen[id - 1] = false;
    }
  }

  private final boolean[] frozen = new boolean[9];

  /** SIGSTOPs member {@code id}: cut off from its peers and clients, as by a partition. */
  public synchronized void freeze(int id) {
    signal(processes[id - 1], "STOP");
    frozen[id - 1] = true;
  }

  /** SIGCONTs a frozen member: the partition heals. */
  public synchronized void thaw(int id) {
    signal(processes[id - 1], "CONT");
    frozen[id - 1] = false;
  }

  public synchronized boolean isFrozen(int id) {
    return frozen[id - 1];
  }

  /** Starts a killed member again on its ports and data, and waits until it serves. */
  public void restart(int id) {
    synchronized (this) {
      if (processes[id - 1] != null) {
        throw new IllegalStateException("member " + id + " is running");
      }
      launch(id - 1);
    }
    awaitServing(id);
  }

  private static void signal(Process p, String signal) {
    if (p == null) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException("could not send SIG" + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops every member and deletes the data. Idempotent. */
  @Override
  public synchronized void close() {
    for (int i = 0; i < processes.length; i++) {
      if (processes[i] != null) {
        signal(processes[i], "CONT");
      }
      Watchdog.stop(processes[i], watchdogs[i], 10);
      processes[i] = null;
      watchdogs[i] = null;
    }
    Folders.deleteRecursively(dir);
  }
}
