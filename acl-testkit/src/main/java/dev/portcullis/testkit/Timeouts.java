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

  /** A condition to poll. */
  @FunctionalInterface
  public interface Check extends Polling.Check {}
}
