package dev.portcullis.benchmarks.soak;

import dev.portcullis.client.AclClient;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reaction time, once per interval: a fresh address sends 500 requests a second (the soak's limit is
 * 200) through one client until that client refuses it as an intercept (at most 20 s).
 */
final class SoakProbe implements AutoCloseable {

  private final AclClient client;
  private final AtomicLong reaction = new AtomicLong(-1);
  private int next;
  private Thread thread;

  SoakProbe(AclClient client) {
    this.client = client;
  }

  synchronized void start() throws InterruptedException {
    close();
    next++;
    // each probe in a /24 of its own (a /24 over its prefix limit is intercepted whole)
    String ip = "100.64." + (next % 256) + "." + (1 + next / 256);
    thread = new Thread(() -> {
      long t0 = System.nanoTime();
      long deadline = t0 + 20_000_000_000L;
      while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
        for (int i = 0; i < 5; i++) {
          if (Soak.intercepted(client, ip)) {
            reaction.set((System.nanoTime() - t0) / 1_000_000);
            return;
          }
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "soak-probe");
    thread.setDaemon(true);
    thread.start();
  }

  /** The reaction time of the last probe that ended, in ms; -1 if none was intercepted since the last call. */
  long takeReaction() {
    return reaction.getAndSet(-1);
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (thread != null) {
      thread.interrupt();
      thread.join(5_000);
      thread = null;
    }
  }
}
