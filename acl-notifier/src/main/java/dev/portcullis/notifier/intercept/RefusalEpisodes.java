package dev.portcullis.notifier.intercept;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Which refusals of the safety valve are news: a target refused over and over (its breach stands on
 * every scan, four times a second) is audited once per episode, an episode ending when the target
 * has not been refused for {@code quietMillis}. Without it, a tripped valve flooded {@code acl.audit}
 * and the webhook with the same refusal, pushing operators' changes out of the audit tail. Bounded:
 * past {@code maxTargets} targets the oldest are forgotten (at worst a refusal is audited again). Not
 * thread-safe: the book's lock guards it.
 */
final class RefusalEpisodes {

  private final long quietMillis;
  private final int maxTargets;
  private final Map<String, Long> lastRefused = new HashMap<>();

  RefusalEpisodes(long quietMillis, int maxTargets) {
    this.quietMillis = quietMillis;
    this.maxTargets = maxTargets;
  }

  /** Records a refusal of {@code key} at {@code now}; true iff it starts an episode (to be audited). */
  boolean refused(String key, long now) {
    Long last = lastRefused.put(key, now);
    if (lastRefused.size() > maxTargets) {
      forgetQuiet(now);
    }
    return last == null || now - last >= quietMillis;
  }

  private void forgetQuiet(long now) {
    for (Iterator<Long> it = lastRefused.values().iterator(); it.hasNext(); ) {
      if (now - it.next() >= quietMillis) {
        it.remove();
      }
    }
    if (lastRefused.size() > maxTargets) {
      lastRefused.clear();
    }
  }
}
