package dev.portcullis.servers;

import java.time.Duration;

/**
 * Waiting for a server to come up, by polling a condition with a deadline. Every deadline is scaled
 * by one system property, {@code portcullis.test.timeoutScale} (default 1), so that a slow machine
 * can be given more time without editing code; the test kit's timeouts read the same property.
 */
public final class Polling {

  private static final long INTERVAL_MILLIS = 20;

  private Polling() {}

  /** The scale, a positive number; an unparseable value fails with a message that names it. */
  public static double timeoutScale() {
    String s = System.getProperty("portcullis.test.timeoutScale", "1");
    try {
      double d = Double.parseDouble(s);
      return d > 0 ? d : 1;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("portcullis.test.timeoutScale must be a positive number, was " + s, e);
    }
  }

  public static Duration scaled(Duration base) {
    return Duration.ofMillis((long) (base.toMillis() * timeoutScale()));
  }

  /**
   * Polls {@code condition} every 20 ms until it holds or the scaled {@code timeout} passes. A
   * condition that throws counts as not holding; the last failure becomes the cause.
   *
   * @throws IllegalStateException naming {@code what} if the condition never held, or on interrupt
   *     (with the interrupt flag restored)
   */
  public static void await(String what, Duration timeout, Check condition) {
    Duration limit = scaled(timeout);
    long deadline = System.nanoTime() + limit.toNanos();
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
        throw new IllegalStateException("timed out after " + limit + " waiting for " + what, last);
      }
      try {
        Thread.sleep(INTERVAL_MILLIS); // the polling interval, not synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  /** A condition to poll. */
  @FunctionalInterface
  public interface Check {
    boolean holds() throws Exception;
  }
}
