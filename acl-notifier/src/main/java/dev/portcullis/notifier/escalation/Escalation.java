package dev.portcullis.notifier.escalation;

import dev.portcullis.config.Ladder;
import java.time.Duration;

/**
 * The escalation ladder applied to an offender's history.
 *
 * <p>Design note. The first breach gets level 1 (default: 1 minute). A breach after that intercept
 * has been released climbs one rung (1 hour, then 24 hours, then permanent). If the offender stayed
 * quiet for {@code forgiveAfter} after its last intercept ended, it starts again at level 1. A
 * permanent intercept stays at its level. Pure functions of their inputs; the clock is a parameter.
 */
public final class Escalation {

  private Escalation() {}

  /** The level of a new intercept for an offender with this history ({@code null}: never seen). */
  public static int nextLevel(OffenderHistory history, long nowMillis, Duration forgiveAfter) {
    if (history == null) {
      return 1;
    }
    if (history.lastExpiresAt() == null || history.lastExpiresAt() > nowMillis) {
      return history.level(); // still in force by the history (its notice was lost, e.g. a leader died before sending it)
    }
    if (nowMillis - history.lastExpiresAt() >= forgiveAfter.toMillis()) {
      return 1;
    }
    return history.level() + 1;
  }

  /** When an intercept at {@code level} issued at {@code nowMillis} ends; {@code null} for permanent. */
  public static Long expiresAt(Ladder ladder, int level, long nowMillis) {
    Duration d = ladder.durationAt(level);
    return d == null ? null : nowMillis + d.toMillis();
  }
}
