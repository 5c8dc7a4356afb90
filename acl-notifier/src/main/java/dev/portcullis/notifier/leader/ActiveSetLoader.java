package dev.portcullis.notifier.leader;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new leader's hold on the intercepts in force. A leader serves only once it has read them from the
 * notices topic: starting from none would drop every active intercept from the API and make a
 * permanent one impossible to release. While Kafka does not answer it retries (1 s, doubling to 10 s)
 * and says why it does not serve. {@link #ensureLoaded()} runs on the scan thread; the reason may be
 * read by any thread.
 */
final class ActiveSetLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ActiveSetLoader.class);

  private final String id;
  private final Runnable load;
  private final String topic;
  private final Clock clock;
  private volatile String notLoadedReason;
  private long nextAttempt;
  private long backoffMillis;

  /** @param load reads the active set into the book; throws if it cannot */
  ActiveSetLoader(String id, Runnable load, String topic, Clock clock) {
    this.id = id;
    this.load = load;
    this.topic = topic;
    this.clock = clock;
    reset();
  }

  /** Leadership gained: the set must be read again before serving. */
  void reset() {
    notLoadedReason = "reading the active intercepts from " + topic;
    nextAttempt = 0;
    backoffMillis = 0;
  }

  /** True once the set is loaded; otherwise tries to load it if an attempt is due. */
  boolean ensureLoaded() {
    if (notLoadedReason == null) {
      return true;
    }
    long now = clock.millis();
    if (now < nextAttempt) {
      return false;
    }
    try {
      load.run();
      notLoadedReason = null;
      LOG.info("notifier {} holds the active intercepts and serves", id);
      return true;
    } catch (RuntimeException e) {
      backoffMillis = backoffMillis == 0 ? 1_000 : Math.min(10_000, backoffMillis * 2);
      nextAttempt = now + backoffMillis;
      notLoadedReason = "cannot read the active intercepts from " + topic + " (" + e.getMessage() + "); retrying in "
          + backoffMillis + " ms";
      LOG.warn("notifier {} leads but {}", id, notLoadedReason);
      return false;
    }
  }

  /** Null once loaded, else why not. */
  String notLoadedReason() {
    return notLoadedReason;
  }
}
