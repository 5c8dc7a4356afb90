package dev.portcullis.client.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RebuildPacerTest {

  private static final long MS = 1_000_000L;

  @Test
  void theFirstRebuildIsAtOnce_andCheapOnesKeepFollowingAtOnce() {
    RebuildPacer p = new RebuildPacer(0.2, 1000 * MS);
    assertThat(p.mayRebuild(-5)).as("before any rebuild, even at a negative nanoTime").isTrue();
    p.rebuilt(0, 10_000); // 10 µs
    assertThat(p.waitNanos(10_000)).isEqualTo(40_000);
    assertThat(p.mayRebuild(50_000)).isTrue();
  }

  @Test
  void anExpensiveRebuild_isFollowedByAGapThatKeepsRebuildsToTheirShareOfACore() {
    RebuildPacer p = new RebuildPacer(0.2, 1000 * MS);
    p.rebuilt(100 * MS, 167 * MS); // 67 ms, as 100,000 intercepts take here
    assertThat(p.mayRebuild(167 * MS)).isFalse();
    assertThat(p.waitNanos(200 * MS)).isEqualTo(235 * MS);
    assertThat(p.mayRebuild(435 * MS - 1)).isFalse();
    assertThat(p.mayRebuild(435 * MS)).as("67 ms of work, then 268 ms of rest: a fifth").isTrue();
  }

  @Test
  void theGapIsCapped_soAChangeWaitsAtMostMaxGap() {
    RebuildPacer p = new RebuildPacer(0.2, 1000 * MS);
    p.rebuilt(0, 2000 * MS);
    assertThat(p.waitNanos(2000 * MS)).isEqualTo(1000 * MS);
  }

  @Test
  void worksAcrossTheNanoTimeWrap() {
    RebuildPacer p = new RebuildPacer(0.5, 1000 * MS);
    p.rebuilt(Long.MAX_VALUE - 5 * MS, Long.MAX_VALUE);
    assertThat(p.mayRebuild(Long.MAX_VALUE + 4 * MS)).isFalse();
    assertThat(p.mayRebuild(Long.MAX_VALUE + 5 * MS)).isTrue();
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new RebuildPacer(0, 1)).hasMessageContaining("share must be in (0, 1], was 0.0");
    assertThatThrownBy(() -> new RebuildPacer(0.2, -1)).hasMessageContaining("maxGap must be >= 0, was -1");
  }
}
