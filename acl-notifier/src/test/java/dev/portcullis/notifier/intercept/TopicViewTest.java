package dev.portcullis.notifier.intercept;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.notifier.fixtures.FakeClock;
import dev.portcullis.wire.InterceptNotice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A standby's list of the intercepts in force: the topic read at most every two seconds, lapsed ones left out. */
class TopicViewTest {

  private final FakeClock clock = new FakeClock();

  private InterceptNotice notice(String target, long ttlMillis) {
    return new InterceptNotice("id-" + target, "shop", Cidr.parse(target), InterceptNotice.Action.DENY, 1, "x",
        clock.millis(), clock.millis() + ttlMillis);
  }

  @Test
  void readsTheTopicAtMostEveryMaxAge_keepsTheLastReadOnFailure_andLeavesOutWhatLapsed() {
    AtomicInteger reads = new AtomicInteger();
    List<InterceptNotice> topic = new ArrayList<>(List.of(notice("203.0.113.7", 60_000), notice("203.0.113.8", 1_000)));
    boolean[] failing = {false};
    TopicView view = new TopicView(() -> {
      reads.incrementAndGet();
      if (failing[0]) {
        throw new IllegalStateException("Kafka away");
      }
      return List.copyOf(topic);
    }, clock, Duration.ofSeconds(2));

    assertThat(view.get()).hasSize(2);
    topic.add(notice("203.0.113.9", 60_000));
    assertThat(view.get()).as("cached").hasSize(2);
    assertThat(reads).hasValue(1);

    clock.advance(Duration.ofMillis(2_500));
    Collection<InterceptNotice> now = view.get();
    assertThat(now).extracting(n -> n.target().toString()).containsExactlyInAnyOrder("203.0.113.7/32", "203.0.113.9/32");

    failing[0] = true;
    clock.advance(Duration.ofSeconds(3));
    assertThat(view.get()).as("the last read stays when the topic cannot be read").hasSize(2);
    assertThat(reads).hasValue(3);
  }
}
