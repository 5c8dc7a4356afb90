package dev.portcullis.notifier.intercept;

import dev.portcullis.address.Cidr;
import java.util.ArrayDeque;

/**
 * Refuses intercepts that are more likely a mistake than an attack: more than {@code maxNewPerMinute}
 * new targets in the last minute (a rule typo can look like the whole Internet misbehaving), or a
 * block wider than /{@code minPrefixV4} (IPv4) or /{@code minPrefixV6} (IPv6). A refusal is audited
 * and alerted instead of enforced. Not thread-safe: the scan thread owns it.
 */
public final class SafetyValve {

  private final int maxNewPerMinute;
  private final int minPrefixV4;
  private final int minPrefixV6;
  private final ArrayDeque<Long> recent = new ArrayDeque<>();

  public SafetyValve(int maxNewPerMinute, int minPrefixV4, int minPrefixV6) {
    if (maxNewPerMinute < 1) {
      throw new IllegalArgumentException("maxNewPerMinute must be >= 1, was " + maxNewPerMinute);
    }
    this.maxNewPerMinute = maxNewPerMinute;
    this.minPrefixV4 = minPrefixV4;
    this.minPrefixV6 = minPrefixV6;
  }

  /** Null if {@code target} may be intercepted now (and counts it), else why not. */
  public String check(Cidr target, long nowMillis) {
    int min = target.network().isV4() ? minPrefixV4 : minPrefixV6;
    if (target.prefix() < min) {
      return "refusing to intercept " + target + ": wider than /" + min;
    }
    while (!recent.isEmpty() && recent.peekFirst() <= nowMillis - 60_000) {
      recent.pollFirst();
    }
    if (recent.size() >= maxNewPerMinute) {
      return "refusing to intercept " + target + ": already " + recent.size() + " new intercepts in the last minute (max "
          + maxNewPerMinute + ")";
    }
    recent.addLast(nowMillis);
    return null;
  }
}
