package dev.portcullis.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * Fleet-wide defaults ({@code /portcullis/global/policy}).
 *
 * @param limitPerSecond default per-IP limit per 1 s window; {@code null} for none
 * @param limitPerMinute default per-IP limit per 1 min window; {@code null} for none
 * @param forgiveAfter   quiet time after a release after which an offender starts at level 1 again
 * @param shadow         record breaches but broadcast no DENY, fleet-wide
 * @param quotaZone      time zone whose calendar day bounds the daily quotas
 * @param prefixLimits   limits on whole prefixes (at most one per family and length), for every app
 *                       that has none of its own for that length
 */
public record GlobalPolicy(
    Long limitPerSecond, Long limitPerMinute, Ladder ladder, Duration forgiveAfter, boolean shadow, ZoneId quotaZone,
    List<PrefixLimit> prefixLimits) {

  public static final GlobalPolicy DEFAULT =
      new GlobalPolicy(50L, null, Ladder.DEFAULT, Duration.ofHours(24), false, ZoneId.of("UTC"));

  public GlobalPolicy {
    Limits.checkPositive("limitPerSecond", limitPerSecond);
    Limits.checkPositive("limitPerMinute", limitPerMinute);
    if (ladder == null) {
      throw new IllegalArgumentException("ladder must not be null");
    }
    if (forgiveAfter == null || forgiveAfter.isNegative() || forgiveAfter.isZero()) {
      throw new IllegalArgumentException("forgiveAfter must be a positive duration, was " + forgiveAfter);
    }
    if (quotaZone == null) {
      throw new IllegalArgumentException("quotaZone must not be null");
    }
    prefixLimits = PrefixLimits.check(prefixLimits);
  }

  /** A policy without prefix limits. */
  public GlobalPolicy(
      Long limitPerSecond, Long limitPerMinute, Ladder ladder, Duration forgiveAfter, boolean shadow, ZoneId quotaZone) {
    this(limitPerSecond, limitPerMinute, ladder, forgiveAfter, shadow, quotaZone, List.of());
  }

  /** The same policy with {@code limits} as its prefix limits. */
  public GlobalPolicy withPrefixLimits(List<PrefixLimit> limits) {
    return new GlobalPolicy(limitPerSecond, limitPerMinute, ladder, forgiveAfter, shadow, quotaZone, limits);
  }
}
