package dev.portcullis.testkit;

import dev.portcullis.servers.Polling;
import java.time.Duration;

/**
 * Test timeouts scaled by one system property, {@code portcullis.test.timeoutScale} (default 1),
 * so that a slow machine can be given more time without editing tests. The servers' start-up waits
 * ({@link Polling}) read the same property.
 */
public final class Timeouts {

  private Timeouts() {}

  public static double scale() {
    return Polling.timeoutScale();
  }

  public static Duration scaled(Duration base) {
    return Polling.scaled(base);
  }

  /**
   * Polls {@code condition} until it holds or the scaled timeout passes.
   *
   * @throws AssertionError naming {@code what} if the condition never held
   */
  public static void await(String what, Duration timeout, Check condition) {
    try {
      Polling.await(what, timeout, condition);
    } catch (IllegalStateException e) {
      AssertionError err = new AssertionError(e.getMessage());
      if (e.getCause() != null) {
        err.initCause(e.getCause());
      }
      throw err;
    }
  }

  /**
   * Runs {@code probe} (which asserts) every {@code every} for {@code duration}: for properties that must
   * keep holding, where there is no event to wait for. The duration is not scaled.
   *
   * @throws AssertionError the probe's first failure
   */
  public static void holdsFor(Duration duration, Duration every, Probe probe) throws Exception {
    long until = System.nanoTime() + duration.toNanos();
    do {
      probe.check();
      Thread.sleep(every.toMillis());
    } while (System.nanoTime() < until);
  }

  /** Assertions to repeat. */
  @FunctionalInterface
  public interface Probe {
    void check() throws Exception;
  }

  /** A condition to poll. */
  @FunctionalInterface
  public interface Check extends Polling.Check {}
}
