package dev.portcullis.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Numbered JVMs (1-based) of one group of test servers, each on this JVM's class path with its output
 * in {@code <dir>/<name>-<id>.log} and guarded by a {@link Watchdog}: launched, SIGKILLed, frozen
 * (SIGSTOP) and thawed (SIGCONT), and stopped together.
 */
final class ChildJvms {

  private final Path dir;
  private final String name;
  private final Process[] processes;
  private final Process[] watchdogs;
  private final boolean[] frozen;

  ChildJvms(Path dir, String name, int count) {
    this.dir = dir;
    this.name = name;
    this.processes = new Process[count];
    this.watchdogs = new Process[count];
    this.frozen = new boolean[count];
  }

  synchronized void launch(int id, String maxHeap, String mainClass, String... args) {
    if (processes[id - 1] != null) {
      throw new IllegalStateException(name + " " + id + " is running");
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    try {
      processes[id - 1] = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + "-" + id + ".log").toFile()))
          .start();
      watchdogs[id - 1] = Watchdog.guard(processes[id - 1]); // nothing outlives a crashed build
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + " " + id, e);
    }
  }

  /** SIGKILLs {@code id} (a frozen one too) and waits until its JVM is gone. */
  synchronized void kill(int id) {
    Process p = processes[id - 1];
    if (p == null) {
      return;
    }
    Signals.send(p, "CONT");
    p.destroyForcibly();
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Watchdog.stop(null, watchdogs[id - 1], 0);
    processes[id - 1] = null;
    watchdogs[id - 1] = null;
    frozen[id - 1] = false;
  }

  synchronized void freeze(int id) {
    Signals.send(processes[id - 1], "STOP");
    frozen[id - 1] = true;
  }

  synchronized void thaw(int id) {
    Signals.send(processes[id - 1], "CONT");
    frozen[id - 1] = false;
  }

  synchronized boolean isFrozen(int id) {
    return frozen[id - 1];
  }

  synchronized boolean isRunning(int id) {
    return processes[id - 1] != null && processes[id - 1].isAlive();
  }

  /** Stops every JVM: SIGTERM to all at once (a lone survivor would wait for its quorum), SIGKILL after the grace. */
  synchronized void stopAll(int graceSeconds) {
    for (Process p : processes) {
      if (p != null) {
        Signals.send(p, "CONT");
        p.destroy();
      }
    }
    for (int i = 0; i < processes.length; i++) {
      Watchdog.stop(processes[i], watchdogs[i], graceSeconds);
      processes[i] = null;
      watchdogs[i] = null;
    }
  }

}
