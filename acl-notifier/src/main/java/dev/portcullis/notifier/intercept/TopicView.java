package dev.portcullis.notifier.intercept;

import dev.portcullis.wire.InterceptNotice;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a standby answers when asked for the intercepts in force: the notices topic read to its end (by
 * {@code reader}, e.g. {@link NoticeTopicReader}), at most every {@code maxAge}, less what has lapsed.
 * So every notifier lists the same set, whichever answers. A read that fails keeps the last one (logged).
 * Thread-safe; reads happen on the calling (request) thread, one at a time.
 */
public final class TopicView implements Supplier<Collection<InterceptNotice>> {

  private static final Logger LOG = LoggerFactory.getLogger(TopicView.class);

  private final Supplier<Collection<InterceptNotice>> reader;
  private final Clock clock;
  private final long maxAgeMillis;
  private Collection<InterceptNotice> last = List.of();
  private long readAt = Long.MIN_VALUE;

  public TopicView(Supplier<Collection<InterceptNotice>> reader, Clock clock, Duration maxAge) {
    this.reader = reader;
    this.clock = clock;
    this.maxAgeMillis = maxAge.toMillis();
  }

  @Override
  public synchronized Collection<InterceptNotice> get() {
    long now = clock.millis();
    if (readAt == Long.MIN_VALUE || now - readAt >= maxAgeMillis) {
      try {
        last = List.copyOf(reader.get());
      } catch (RuntimeException e) {
        LOG.warn("a standby could not read the notices topic; answering what it read {} ms ago: {}",
            readAt == Long.MIN_VALUE ? -1 : now - readAt, e.toString());
      }
      readAt = now;
    }
    return last.stream().filter(n -> n.isActiveAt(now)).toList();
  }
}
