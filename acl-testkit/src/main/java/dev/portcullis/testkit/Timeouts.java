package dev.portcullis.testkit;

import java.time.Duration;

/**
 * Test timeouts scaled by one system property, {@code portcullis.test.timeoutScale} (default 1),
 * so that a slow machine can be given more time without editing tests.
 */
public final class Timeouts {

  private Timeouts() {}

  public static double scale() {
    String s = System.getProperty("portcullis.test.timeoutScale", "1");
    try {
      double d = Double.parseDouble(s);
      return d > 0 ? d : 1;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("portcullis.test.timeoutScale must be a positive number, was " + s, e);
    }
  }

  public static Duration scaled(Duration base) {
    return Duration.ofMillis((long) (base.toMillis() * scale()));
  }

  /**
   * Polls {@code condition} until it holds or the scaled timeout passes.
   *
   * @throws AssertionError naming {@code what} if the condition never held
   */
  public static void await(String what, Duration timeout, Check condition) {
    long deadline = System.nanoTime() + scaled(timeout).toNanos();
    Throwable last = null;
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (Exception | AssertionError e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        AssertionError err = new AssertionError("timed out after " + scaled(timeout) + " waiting for " + what);
        if (last != null) {
          err.initCause(last);
        }
        throw err;
      }
      try {
        Thread.sleep(20); // polling interval, not synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  /** A condition to poll. */
  @FunctionalInterface
  public interface Check {
    boolean holds() throws Exception;
  }
}
