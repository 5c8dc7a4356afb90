package dev.portcullis.config;

import java.util.List;

/**
 * One app's policy ({@code /portcullis/apps/<app>/policy}). Absent limits inherit the global ones.
 *
 * @param shadow       record breaches for this app but broadcast no DENY
 * @param prefixLimits limits on whole prefixes of this app (at most one per family and length); a
 *                     length it does not name takes the global policy's
 */
public record AppPolicy(AppMode mode, Long limitPerSecond, Long limitPerMinute, List<Quota> quotas, boolean shadow,
    List<PrefixLimit> prefixLimits) {

  /** The policy of an app that has none in ZooKeeper: open, global limits, no quotas. */
  public static final AppPolicy DEFAULT = new AppPolicy(AppMode.OPEN, null, null, List.of(), false, List.of());

  public AppPolicy {
    if (mode == null) {
      throw new IllegalArgumentException("mode must not be null");
    }
    Limits.checkPositive("limitPerSecond", limitPerSecond);
    Limits.checkPositive("limitPerMinute", limitPerMinute);
    quotas = quotas == null ? List.of() : List.copyOf(quotas);
    prefixLimits = PrefixLimits.check(prefixLimits);
  }

  /** A policy without prefix limits of its own. */
  public AppPolicy(AppMode mode, Long limitPerSecond, Long limitPerMinute, List<Quota> quotas, boolean shadow) {
    this(mode, limitPerSecond, limitPerMinute, quotas, shadow, List.of());
  }

  /** The same policy with {@code limits} as its prefix limits. */
  public AppPolicy withPrefixLimits(List<PrefixLimit> limits) {
    return new AppPolicy(mode, limitPerSecond, limitPerMinute, quotas, shadow, limits);
  }
}
