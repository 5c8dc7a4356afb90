package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.servers.Ports;
import dev.portcullis.testkit.Timeouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A README that lies fails the build: every command of the README's sections that tell a user what
 * to type against a running system is run, as written and in the order written, against a demo
 * freshly started with {@code ./portcullis demo}. Commands that tail a topic are stopped after 12 s
 * (timeout's 124, which is what a user's Ctrl-C means there; tails written one after another run side by
 * side), others after 60 s unless they set a timeout of their own. Files the commands write in the
 * repository (an export) are removed afterwards. Runs in the Maven profile
 * {@code readme} ({@code .ci/run} enables it); ports 2181, 9092, 8090, 8081 (the notifier's admin
 * connector) and 8181 (the gate of the README's example) must be free, as the README
 * says.
 */
class ReadmeCommandsIT {

  /** Reads the output of the commands, which may run side by side. */
  private final ExecutorService readers = Executors.newCachedThreadPool();

  /** The sections whose {@code bash} blocks are commands against the running demo. */
  static final Set<String> SECTIONS = Set.of("## Securing a deployment", "## Operating safely", "## Changing rules",
      "## Watching the topics", "## Prometheus and Grafana", "## Behind nginx, Traefik or Envoy: the gate",
      "## Views: nodes, quota usage, history");

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  /** Where the demo writes its viewer's API token (a fresh demo writes a new one). */
  private static final Path VIEWER_TOKEN = ROOT.resolve(".portcullis").resolve("demo").resolve("viewer.token");

  /** The commands of {@code readme}'s bash blocks in {@link #SECTIONS}, continuation lines joined. */
  static List<String> commands(String readme) {
    List<String> out = new ArrayList<>();
    String section = null;
    boolean inBlock = false;
    StringBuilder pending = new StringBuilder();
    for (String line : readme.split("\n", -1)) {
      if (line.startsWith("## ")) {
        section = line.strip();
      }
      if (line.startsWith("```")) {
        inBlock = line.strip().equals("```bash") && SECTIONS.contains(section);
        continue;
      }
      if (!inBlock) {
        continue;
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      String command = (pending + line).strip();
      pending.setLength(0);
      if (!command.isEmpty()) {
        out.add(command);
      }
    }
    return out;
  }

  @Test
  void everyCommandOfTheReadmeRunsAsWrittenAgainstAFreshDemo() throws Exception {
    List<String> commands = commands(Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8));
    assertThat(commands).as("commands found in the README").hasSizeGreaterThan(10);
    for (int port : new int[] {2181, 9092, 8090, 8081, 8181}) {
      assertThat(Ports.isOpen(port)).as("port %d must be free for the README's commands, as the README says", port).isFalse();
    }
    Path logs = Path.of("target", "readme-demo").toAbsolutePath();
    Files.deleteIfExists(VIEWER_TOKEN); // so that the token read is this demo's
    Process demo = new ProcessBuilder("./portcullis", "demo", "--duration", "600s", "--logs", logs.toString())
        .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(logs.resolveSibling("readme-demo.out").toFile())
        .start();
    List<String> failures = new ArrayList<>();
    Set<Path> before = topLevelFiles();
    try {
      HttpClient http = HttpClient.newHttpClient();
      Timeouts.await("the demo's API on 127.0.0.1:8090 (its output: target/readme-demo.out)", Duration.ofSeconds(240),
          () -> demo.isAlive() && Files.exists(VIEWER_TOKEN) && http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:8090/api/intercepts")).header("Authorization", "Bearer "
              + Files.readString(VIEWER_TOKEN).strip()).build(), HttpResponse.BodyHandlers.ofString()).body()
              .contains("203.0.113.66"));
      StringBuilder env = new StringBuilder();
      List<String> tails = new ArrayList<>();
      for (String c : commands) {
        if (c.matches("^[A-Z_]+=.*")) { // a variable for the commands that follow
          env.append(c.split("#")[0].strip()).append("; ");
          continue;
        }
        // a tail is stopped after 12 s; tails written one after another read their topics at once, as a user's
        // terminals would (they change nothing); any other command gets 60 s, on a machine as busy as CI's (a
        // JVM's start beside the demo took more than 12 s there); one with a timeout of its own keeps it (the
        // gate's example runs its gate 30 s, backgrounded)
        if (c.contains("kafka-console-consumer") && !c.contains("--timeout-ms")) {
          tails.add(c);
          continue;
        }
        runTails(env.toString(), tails, failures);
        report(c, run(env + (c.startsWith("timeout ") ? "" : "timeout 60 ") + c).get(), false, failures);
      }
      runTails(env.toString(), tails, failures);
    } finally {
      readers.shutdownNow();
      demo.destroy();
      if (!demo.waitFor(90, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
      for (Path written : topLevelFiles()) {
        if (!before.contains(written) && Files.isRegularFile(written)) {
          Files.delete(written);
        }
      }
    }
    assertThat(failures).as("README commands that failed against a fresh demo").isEmpty();
  }

  private static Set<Path> topLevelFiles() throws IOException {
    try (Stream<Path> files = Files.list(ROOT)) {
      return files.collect(Collectors.toSet());
    }
  }

  /** Runs {@code tails} (commands that follow a topic) side by side, each stopped after 12 s, and empties the list. */
  private void runTails(String env, List<String> tails, List<String> failures) throws Exception {
    List<Future<Result>> running = new ArrayList<>();
    for (String c : tails) {
      running.add(run(env + (c.startsWith("timeout ") ? "" : "timeout 12 ") + c));
    }
    for (int i = 0; i < tails.size(); i++) {
      report(tails.get(i), running.get(i).get(), true, failures);
    }
    tails.clear();
  }

  /** A command fails unless it exits 0, or it is a tail that {@code timeout} stopped (124: a user's Ctrl-C). */
  private static void report(String command, Result r, boolean tail, List<String> failures) {
    System.out.println("$ " + command + "\n  exit " + r.exit + "\n  | " + String.join("\n  | ", r.firstLines));
    if (r.exit != 0 && !(tail && r.exit == 124)) {
      failures.add(command + "\n    exit " + r.exit + ": " + String.join(" / ", r.firstLines));
    }
  }

  private record Result(int exit, List<String> firstLines) {}

  /** Starts {@code command} in bash at the repository's root; its result once it has exited. */
  private Future<Result> run(String command) throws IOException {
    Process p = new ProcessBuilder("bash", "-c", command).directory(ROOT.toFile()).redirectErrorStream(true).start();
    return CompletableFuture.supplyAsync(() -> {
      try {
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        return new Result(exit, output.lines().filter(l -> !l.contains("KIP-848")).limit(4).toList());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for: " + command, e);
      }
    }, readers);
  }
}
