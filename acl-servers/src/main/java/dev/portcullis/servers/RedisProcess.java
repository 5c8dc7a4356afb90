package dev.portcullis.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} process bound to 127.0.0.1, without persistence, in a private working
 * directory. A watchdog shell kills it if this JVM dies without closing it, so no server outlives
 * the build. {@link #stop()} and {@link #start()} let tests cut Redis off and bring it back on the
 * same port.
 */
public final class RedisProcess implements Redis {

  private final Path binary;
  private final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private final boolean tls;
  private Process process;
  private Process watchdog;
  private boolean frozen;

  private RedisProcess(Path binary, int port, Path dir, List<String> extraArgs, boolean tls) {
    this.tls = tls;
    this.binary = binary;
    this.port = port;
    this.dir = dir;
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** Starts a standalone server on a free loopback port. */
  public static RedisProcess startStandalone() {
    return startOn(Ports.freeLoopbackPort(), List.of());
  }

  /** Starts a server on {@code port} with extra {@code redis-server} arguments. */
  public static RedisProcess startOn(int port, List<String> extraArgs) {
    try {
      Path dir = Files.createTempDirectory("portcullis-redis-" + port + "-");
      RedisProcess r = new RedisProcess(RedisBinary.locate(), port, dir, extraArgs, false);
      r.start();
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("could not prepare a directory for redis-server: " + e, e);
    }
  }

  /**
   * Starts a standalone server that takes TLS connections only (no plaintext port), with the server
   * certificate of {@code certs} (client certificates optional), and the ACL users of
   * {@code aclFileLines} ({@code user <name> on >password ~keys +commands}, as in an ACL file).
   */
  public static RedisProcess startTls(Certificates certs, List<String> aclFileLines) {
    int port = Ports.freeLoopbackPort();
    try {
      Path dir = Files.createTempDirectory("portcullis-redis-tls-" + port + "-");
      Path acl = dir.resolve("users.acl");
      Files.write(acl, aclFileLines, StandardCharsets.UTF_8);
      RedisProcess r = new RedisProcess(RedisBinary.locate(), port, dir, List.of("--port", "0", "--tls-port",
          Integer.toString(port), "--tls-cert-file", certs.certificate("server").toString(), "--tls-key-file",
          certs.key("server").toString(), "--tls-ca-cert-file", certs.ca().toString(), "--tls-auth-clients", "optional",
          "--aclfile", acl.toString()), true);
      r.start();
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("could not prepare a directory for redis-server: " + e, e);
    }
  }

  @Override
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("redis-server on port " + port + " is already running");
    }
    List<String> cmd = new ArrayList<>(List.of(binary.toString(),
        "--port", Integer.toString(port),
        "--bind", "127.0.0.1",
        "--protected-mode", "yes",
        "--save", "",
        "--appendonly", "no",
        "--daemonize", "no",
        "--dir", dir.toString()));
    cmd.addAll(extraArgs);
    Path log = dir.resolve("redis.log");
    try {
      if (tls) {
        Files.deleteIfExists(log); // readiness is read from a fresh log
      }
      process = new ProcessBuilder(cmd)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      watchdog = Watchdog.guard(process);
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + binary + ": " + e, e);
    }
    long deadline = System.nanoTime() + Polling.scaled(Duration.ofSeconds(15)).toNanos();
    while (tls ? !logSays(log, "Ready to accept connections") : !ping()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String tail = tail(log);
        destroy();
        throw new IllegalStateException("redis-server did not start on 127.0.0.1:" + port + " ("
            + binary + "); its log ends with:\n" + tail);
      }
      pause(20);
    }
  }

  private static boolean logSays(Path log, String line) {
    try {
      return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(line);
    } catch (IOException e) {
      return false;
    }
  }

  /** True iff the server answers PING with PONG. */
  public boolean ping() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return n == 7 && new String(buf, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public synchronized void stop() {
    destroy();
  }

  /**
   * SIGSTOPs the server: it keeps its sockets and answers nothing (its master, its replicas and its
   * clients see a silent peer) until {@link #thaw()}.
   */
  public synchronized void freeze() {
    Signals.send(process, "STOP");
    frozen = true;
  }

  /**
   * Closes a master's links to its replicas (CLIENT KILL TYPE replica): what it acknowledges from now on
   * reaches a replica only once that reconnects, which a frozen one cannot. (Freezing a replica alone is
   * not enough: the kernel keeps receiving its replication stream, and it applies it when thawed.)
   */
  public void dropReplicaLinks() {
    RespCommand.call(port, "CLIENT", "KILL", "TYPE", "replica");
  }

  /** SIGCONTs a frozen server. */
  public synchronized void thaw() {
    Signals.send(process, "CONT");
    frozen = false;
  }

  /** SIGKILLs the server: no shutdown, nothing saved, its clients' connections cut. Start it again with {@link #start()}. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    destroy();
  }

  private void destroy() {
    if (frozen) {
      Signals.send(process, "CONT"); // a stopped process would wait out its grace before it is killed
      frozen = false;
    }
    Watchdog.stop(process, watchdog, 5);
    process = null;
    watchdog = null;
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return port;
  }

  public Path directory() {
    return dir;
  }

  @Override
  public String describe() {
    return "redis-server " + binary + " at 127.0.0.1:" + port;
  }

  /** Stops the server and deletes its folder (log, cluster config). Idempotent. */
  @Override
  public synchronized void close() {
    destroy();
    Folders.deleteRecursively(dir);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
