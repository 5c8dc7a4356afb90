package dev.portcullis.benchmarks.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.servers.Ports;
import dev.portcullis.servers.Watchdog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One aggregator worker in its own JVM ({@code AggregatorMain} with a YAML file), so that the soak can
 * SIGKILL it and read its heap after a full GC ({@code jcmd}), its RocksDB size and its metrics.
 */
final class ChildAggregator implements AutoCloseable {

  private final Path dir;
  private final Path config;
  private final int adminPort;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private Process process;
  private Process watchdog;

  ChildAggregator(Path dir, String kafka, String redisNode) throws IOException {
    this.dir = dir;
    this.adminPort = Ports.freeLoopbackPort();
    Files.createDirectories(dir);
    this.config = dir.resolve("aggregator.yml");
    // -Dportcullis.soak.sessionTimeout=PT45S compares another Kafka session with the default, and
    // -Dportcullis.soak.storeMemoryMb=64 another RocksDB memory
    String session = System.getProperty("portcullis.soak.sessionTimeout");
    String storeMemory = System.getProperty("portcullis.soak.storeMemoryMb");
    // -Dportcullis.soak.minuteWindows=2 another number of 1 min windows a key keeps (and so minutes the store holds)
    String minuteWindows = System.getProperty("portcullis.soak.minuteWindows");
    Files.writeString(config, "kafka:\n  bootstrapServers: " + kafka + "\n  partitions: 4\n"
        + (session == null ? "" : "  sessionTimeout: " + session + "\n")
        + "redis:\n  nodes: [" + redisNode + "]\n  cluster: false\n"
        + (minuteWindows == null ? "" : "windows:\n  minuteWindows: " + minuteWindows + "\n")
        + "store:\n  type: ROCKSDB\n  stateDir: " + dir.resolve("state") + "\n"
        + (storeMemory == null ? "" : "  memoryMb: " + storeMemory + "\n")
        + "adminPort: " + adminPort + "\n");
  }

  synchronized void start() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
          "dev.portcullis.aggregator.AggregatorMain", config.toString()));
      // -Dportcullis.soak.aggregatorEnv=NAME=VALUE,... sets the workers' environment alone (an allocator to compare:
      // LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2, or MALLOC_ARENA_MAX=2), not the stack's
      String env = System.getProperty("portcullis.soak.aggregatorEnv", "");
      for (String pair : env.split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          pb.environment().put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
      }
      process = pb
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("aggregator.log").toFile()))
          .start();
      watchdog = Watchdog.guard(process); // it does not outlive a soak that dies
    } catch (IOException e) {
      throw new UncheckedIOException("could not start an aggregator", e);
    }
  }

  /** SIGKILL: no commit, no close. */
  synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      process = null;
      Watchdog.stop(null, watchdog, 0);
      watchdog = null;
    }
  }

  synchronized boolean running() {
    return process != null && process.isAlive();
  }

  /** The admin endpoint's metrics (records, pendingEntries, ...), or null while it does not answer. */
  JsonNode metrics() {
    try {
      String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
      return json.readTree(body);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  boolean healthy() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/health"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body().contains("RUNNING");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * After a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}): the heap used and its resident memory
   * beyond the heap as committed (RocksDB's off-heap memory, metaspace, threads, code), in bytes; -1 each
   * if not running.
   */
  long[] heapAfterGcAndBeyond() {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null || !p.isAlive()) {
      return new long[] {-1, -1};
    }
    jcmd(p.pid(), "GC.run");
    String info = jcmd(p.pid(), "GC.heap_info");
    long resident = residentBytes(p);
    long committed = JvmHeap.committedBytes(info);
    return new long[] {JvmHeap.usedBytes(info), resident < 0 || committed < 0 ? -1 : Math.max(0, resident - committed)};
  }

  private static String jcmd(long pid, String command) {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Resident memory of the process ({@code VmRSS} of {@code /proc/<pid>/status}), in bytes; -1 if gone. */
  private static long residentBytes(Process p) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
        }
      }
      return -1;
    } catch (IOException | NumberFormatException e) {
      return -1; // exited meanwhile
    }
  }

  /** Bytes of the RocksDB state on disk. */
  long stateBytes() {
    Path state = dir.resolve("state");
    if (!Files.exists(state)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(state)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0; // deleted by a compaction meanwhile
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    Process p;
    Process w;
    synchronized (this) {
      p = process;
      w = watchdog;
      process = null;
      watchdog = null;
    }
    Watchdog.stop(p, w, 40);
  }
}
