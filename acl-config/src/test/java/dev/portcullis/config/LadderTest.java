package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LadderTest {

  @Test
  void defaultLadder_escalatesOneMinuteOneHourOneDayThenPermanent() {
    Ladder l = Ladder.DEFAULT;
    assertThat(l.durationAt(1)).isEqualTo(Duration.ofMinutes(1));
    assertThat(l.durationAt(2)).isEqualTo(Duration.ofHours(1));
    assertThat(l.durationAt(3)).isEqualTo(Duration.ofHours(24));
    assertThat(l.durationAt(4)).isNull();
    assertThat(l.durationAt(99)).isNull();
    assertThat(l.rungs()).isEqualTo(4);
  }

  @Test
  void ladderWithoutPermanent_staysOnItsLastRung() {
    Ladder l = new Ladder(List.of(Duration.ofSeconds(2), Duration.ofSeconds(5)), false);
    assertThat(l.durationAt(2)).isEqualTo(Duration.ofSeconds(5));
    assertThat(l.durationAt(7)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void ladder_rejectsNonIncreasingStepsAndBadLevels() {
    assertThatThrownBy(() -> new Ladder(List.of(Duration.ofHours(1), Duration.ofMinutes(1)), true))
        .hasMessageContaining("ladder[1] must be longer than ladder[0]");
    assertThatThrownBy(() -> new Ladder(List.of(), false)).hasMessageContaining("at least one step");
    assertThatThrownBy(() -> Ladder.DEFAULT.durationAt(0)).hasMessageContaining("level must be >= 1");
  }
}
