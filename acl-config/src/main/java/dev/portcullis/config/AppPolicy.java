package dev.portcullis.config;

import java.util.List;

/**
 * One app's policy ({@code /portcullis/apps/<app>/policy}). Absent limits inherit the global ones.
 *
 * @param shadow record breaches for this app but broadcast no DENY
 */
public record AppPolicy(AppMode mode, Long limitPerSecond, Long limitPerMinute, List<Quota> quotas, boolean shadow) {

  /** The policy of an app that has none in ZooKeeper: open, global limits, no quotas. */
  public static final AppPolicy DEFAULT = new AppPolicy(AppMode.OPEN, null, null, List.of(), false);

  public AppPolicy {
    if (mode == null) {
      throw new IllegalArgumentException("mode must not be null");
    }
    Limits.checkPositive("limitPerSecond", limitPerSecond);
    Limits.checkPositive("limitPerMinute", limitPerMinute);
    quotas = quotas == null ? List.of() : List.copyOf(quotas);
  }
}
