package dev.portcullis.client.time;

/**
 * Wall-clock milliseconds as read on the request path: a volatile field that a timer refreshes,
 * because reading the system clock costs about as much as a whole rule lookup. Resolution is the
 * refresh interval (default 1 ms, driven by the client's scheduler). Tests drive it by hand.
 *
 * <p>Thread-safe: one writer (the timer), any number of readers.
 */
public final class CoarseClock {

  private volatile long millis;

  public CoarseClock(long initialMillis) {
    this.millis = initialMillis;
  }

  /** The last published time, epoch ms. */
  public long millis() {
    return millis;
  }

  /** Publishes a new time; called by the owning timer (or a test). */
  public void set(long nowMillis) {
    this.millis = nowMillis;
  }
}
