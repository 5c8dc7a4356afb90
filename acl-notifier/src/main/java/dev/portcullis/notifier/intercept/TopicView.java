package dev.portcullis.notifier.intercept;

import dev.portcullis.wire.InterceptNotice;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * What a standby answers when asked for the intercepts in force: the notices topic read to its end (by
 * {@code reader}, e.g. {@link NoticeTopicReader}), at most every {@code maxAge}, less what has lapsed.
 * So every notifier lists the same set, whichever answers. A read that fails keeps the last one (logged).
 * Thread-safe; reads happen on the calling (request) thread, one at a time.
 */
public final class TopicView implements Supplier<Collection<InterceptNotice>> {

  private final CachedRead<InterceptNotice> read;
  private final Clock clock;

  public TopicView(Supplier<Collection<InterceptNotice>> reader, Clock clock, Duration maxAge) {
    this.read = new CachedRead<>("the notices topic", reader, clock, maxAge);
    this.clock = clock;
  }

  @Override
  public Collection<InterceptNotice> get() {
    long now = clock.millis();
    return read.get().stream().filter(n -> n.isActiveAt(now)).toList();
  }
}
