package dev.portcullis.benchmarks.soak;

import dev.portcullis.client.AclClient;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reaction time, once per interval: a fresh address sends 100 requests a second through one client
 * until that client refuses it as an intercept (at most 20 s).
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
    String ip = next <= 250 ? "192.0.2." + next : "203.0.113." + (next % 250 + 1);
    thread = new Thread(() -> {
      long t0 = System.nanoTime();
      long deadline = t0 + 20_000_000_000L;
      while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
        if (Soak.intercepted(client, ip)) {
          reaction.set((System.nanoTime() - t0) / 1_000_000);
          return;
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
