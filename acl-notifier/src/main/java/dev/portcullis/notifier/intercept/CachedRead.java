package dev.portcullis.notifier.intercept;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read of a topic made at most every {@code maxAge}, on the calling thread and one at a time; a read
 * that fails keeps the last one (logged). For what a notifier answers from the topics.
 */
final class CachedRead<T> {

  private static final Logger LOG = LoggerFactory.getLogger(CachedRead.class);

  private final String what;
  private final Supplier<? extends java.util.Collection<T>> reader;
  private final Clock clock;
  private final long maxAgeMillis;
  private List<T> last = List.of();
  private long readAt = Long.MIN_VALUE;

  CachedRead(String what, Supplier<? extends java.util.Collection<T>> reader, Clock clock, Duration maxAge) {
    this.what = what;
    this.reader = reader;
    this.clock = clock;
    this.maxAgeMillis = maxAge.toMillis();
  }

  synchronized List<T> get() {
    long now = clock.millis();
    if (readAt == Long.MIN_VALUE || now - readAt >= maxAgeMillis) {
      try {
        last = List.copyOf(reader.get());
      } catch (RuntimeException e) {
        LOG.warn("could not read {}; answering what was read {} ms ago: {}", what,
            readAt == Long.MIN_VALUE ? -1 : now - readAt, e.toString());
      }
      readAt = now;
    }
    return last;
  }
}
