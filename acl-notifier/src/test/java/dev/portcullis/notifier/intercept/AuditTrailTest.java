package dev.portcullis.notifier.intercept;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.notifier.fixtures.FakeClock;
import dev.portcullis.wire.AuditRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The audit tail every notifier answers: the topic's tail merged with its own newest records. */
class AuditTrailTest {

  private final FakeClock clock = new FakeClock();
  private final List<AuditRecord> topic = new ArrayList<>();
  private final List<AuditRecord> own = new ArrayList<>();
  private final AtomicBoolean kafkaAway = new AtomicBoolean();
  private final AuditTrail trail = new AuditTrail(() -> {
    if (kafkaAway.get()) {
      throw new IllegalStateException("Kafka away");
    }
    return List.copyOf(topic);
  }, limit -> own.stream().sorted((a, b) -> Long.compare(b.at(), a.at())).limit(limit).toList(), clock, Duration.ofSeconds(2));

  private static AuditRecord record(String id, long at) {
    return new AuditRecord(id, at, "notifier-a", AuditRecord.Kind.INTERCEPT_ISSUED, "shop", Cidr.parse("203.0.113.7"), 1,
        "84 req/s > 50 req/s", 3, Map.of());
  }

  @Test
  void aStandbyWithNothingOfItsOwn_showsTheLeadersDecisionsFromTheTopic_newestFirst() {
    topic.addAll(List.of(record("a", 1), record("c", 3), record("b", 2)));

    assertThat(trail.newest(100)).extracting(AuditRecord::id).containsExactly("c", "b", "a");
    assertThat(trail.newest(2)).extracting(AuditRecord::id).containsExactly("c", "b");
  }

  @Test
  void ownRecordsNotYetReadBack_areShown_andOnesOnTheTopicTooOnlyOnce() {
    topic.addAll(List.of(record("a", 1), record("b", 2)));
    own.addAll(List.of(record("b", 2), record("d", 4)));

    assertThat(trail.newest(100)).extracting(AuditRecord::id).containsExactly("d", "b", "a");
  }

  @Test
  void theTopicIsReadAtMostEveryMaxAge_andTheLastReadKeptWhileKafkaIsAway() {
    topic.add(record("a", 1));
    assertThat(trail.newest(100)).extracting(AuditRecord::id).containsExactly("a");
    topic.add(record("b", 2));
    assertThat(trail.newest(100)).as("read 0 s ago").extracting(AuditRecord::id).containsExactly("a");

    clock.advance(Duration.ofSeconds(2));
    assertThat(trail.newest(100)).extracting(AuditRecord::id).containsExactly("b", "a");

    kafkaAway.set(true);
    clock.advance(Duration.ofSeconds(2));
    assertThat(trail.newest(100)).as("the last read, while Kafka is away").extracting(AuditRecord::id)
        .containsExactly("b", "a");
  }
}
