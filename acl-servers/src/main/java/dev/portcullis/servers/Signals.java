package dev.portcullis.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** POSIX signals to a child process ({@code kill -<SIGNAL> <pid>}): SIGSTOP freezes it, SIGCONT thaws it. */
final class Signals {

  private Signals() {}

  /** Sends {@code SIG<signal>} to {@code p}; nothing if it is null. */
  static void send(Process p, String signal) {
    if (p == null) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException("could not send SIG" + signal + " to " + p.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
