package dev.portcullis.notifier.escalation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.Ladder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EscalationTest {

  private static final long NOW = 1_763_880_000_000L;
  private static final Duration FORGIVE = Duration.ofHours(24);

  @Test
  void nextLevel_firstBreachIsLevelOne() {
    assertThat(Escalation.nextLevel(null, NOW, FORGIVE)).isEqualTo(1);
  }

  @Test
  void nextLevel_aBreachAfterARecentReleaseClimbsOneRung() {
    OffenderHistory released10MinutesAgo = new OffenderHistory(2, NOW - 70 * 60_000L, NOW - 10 * 60_000L);
    assertThat(Escalation.nextLevel(released10MinutesAgo, NOW, FORGIVE)).isEqualTo(3);
  }

  @Test
  void nextLevel_quietForForgiveAfterStartsAgainAtTheBottom() {
    OffenderHistory releasedLongAgo = new OffenderHistory(3, NOW - FORGIVE.toMillis() - 86_400_000L, NOW - FORGIVE.toMillis());
    assertThat(Escalation.nextLevel(releasedLongAgo, NOW, FORGIVE)).isEqualTo(1);
    OffenderHistory justUnder = new OffenderHistory(3, NOW - FORGIVE.toMillis(), NOW - FORGIVE.toMillis() + 1);
    assertThat(Escalation.nextLevel(justUnder, NOW, FORGIVE)).isEqualTo(4);
  }

  @Test
  void nextLevel_anInterceptStillInForceByItsHistoryKeepsItsLevel() {
    assertThat(Escalation.nextLevel(new OffenderHistory(2, NOW - 1000, NOW + 60_000), NOW, FORGIVE)).isEqualTo(2);
  }

  @Test
  void nextLevel_aPermanentInterceptKeepsItsLevel() {
    assertThat(Escalation.nextLevel(new OffenderHistory(4, NOW - 1000, null), NOW, FORGIVE)).isEqualTo(4);
  }

  @Test
  void expiresAt_followsTheDefaultLadderThenPermanent() {
    assertThat(Escalation.expiresAt(Ladder.DEFAULT, 1, NOW)).isEqualTo(NOW + 60_000L);
    assertThat(Escalation.expiresAt(Ladder.DEFAULT, 2, NOW)).isEqualTo(NOW + 3_600_000L);
    assertThat(Escalation.expiresAt(Ladder.DEFAULT, 3, NOW)).isEqualTo(NOW + 86_400_000L);
    assertThat(Escalation.expiresAt(Ladder.DEFAULT, 4, NOW)).isNull();
  }

  @Test
  void history_refusesALevelBelowOne() {
    assertThatThrownBy(() -> new OffenderHistory(0, NOW, null)).hasMessageContaining("level must be >= 1, was 0");
  }
}
