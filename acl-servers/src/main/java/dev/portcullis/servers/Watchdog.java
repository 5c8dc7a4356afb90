package dev.portcullis.servers;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Kills a child process when this JVM dies, even by SIGKILL: a tiny shell loop that polls both
 * pids once a second and exits with the child. Close paths still stop children themselves; this
 * only guarantees that nothing outlives a crashed build.
 */
public final class Watchdog {

  private Watchdog() {}

  /**
   * Stops {@code child} (SIGTERM, then SIGKILL after {@code graceSeconds}) and its watchdog; either may
   * be null. Keeps the interrupt flag.
   */
  public static void stop(Process child, Process watchdog, int graceSeconds) {
    if (child != null) {
      child.destroy();
      try {
        if (!child.waitFor(graceSeconds, TimeUnit.SECONDS)) {
          child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        child.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    if (watchdog != null) {
      watchdog.destroyForcibly();
    }
  }

  /** Starts a watchdog that SIGKILLs {@code child} once this JVM is gone; stop it with {@link #stop}. */
  public static Process guard(Process child) throws IOException {
    long jvm = ProcessHandle.current().pid();
    long pid = child.pid();
    String script = "while kill -0 " + jvm + " 2>/dev/null && kill -0 " + pid + " 2>/dev/null; do sleep 1; done; "
        + "kill -9 " + pid + " 2>/dev/null; exit 0";
    return new ProcessBuilder("sh", "-c", script)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectErrorStream(true)
        .start();
  }
}
