package dev.portcullis.servers;

import java.io.IOException;

/**
 * Kills a child process when this JVM dies, even by SIGKILL: a tiny shell loop that polls both
 * pids once a second and exits with the child. Close paths still stop children themselves; this
 * only guarantees that nothing outlives a crashed build.
 */
final class Watchdog {

  private Watchdog() {}

  static Process guard(Process child) throws IOException {
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
