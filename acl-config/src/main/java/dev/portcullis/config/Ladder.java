package dev.portcullis.config;

import java.time.Duration;
import java.util.List;

/**
 * The escalation ladder: how long the n-th intercept of the same offender lasts. Level 1 is the
 * first rung. A level past the last rung stays on the last rung. When {@code endsPermanent} is
 * true the rung after the timed steps is permanent.
 *
 * <p>Default: 1 minute, 1 hour, 24 hours, then permanent.
 */
public record Ladder(List<Duration> steps, boolean endsPermanent) {

  public static final Ladder DEFAULT =
      new Ladder(List.of(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(24)), true);

  public Ladder {
    if (steps == null) {
      throw new IllegalArgumentException("ladder steps must not be null");
    }
    steps = List.copyOf(steps);
    if (steps.isEmpty() && !endsPermanent) {
      throw new IllegalArgumentException("ladder must have at least one step");
    }
    for (int i = 0; i < steps.size(); i++) {
      Duration d = steps.get(i);
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("ladder[" + i + "] must be at least PT1S, was " + d);
      }
      if (i > 0 && d.compareTo(steps.get(i - 1)) <= 0) {
        throw new IllegalArgumentException(
            "ladder[" + i + "] must be longer than ladder[" + (i - 1) + "] (" + steps.get(i - 1) + "), was " + d);
      }
    }
  }

  /** Number of rungs, counting the permanent one. */
  public int rungs() {
    return steps.size() + (endsPermanent ? 1 : 0);
  }

  /**
   * How long an intercept at {@code level} (1-based) lasts; {@code null} means permanent.
   *
   * @throws IllegalArgumentException if level is below 1
   */
  public Duration durationAt(int level) {
    if (level < 1) {
      throw new IllegalArgumentException("level must be >= 1, was " + level);
    }
    int rung = Math.min(level, rungs());
    if (rung > steps.size()) {
      return null;
    }
    return steps.get(rung - 1);
  }
}
