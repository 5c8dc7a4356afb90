package dev.portcullis.client.decide;

import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.wire.InterceptNotice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The active intercepts that apply to one app (its own and those for every app, {@code *}),
 * compiled into a range table, and its quota notices (a caller on an interface) in a two-level
 * map. A timed intercept becomes a {@code LIMIT} decision with its expiry (HTTP 429 and
 * Retry-After); a permanent one a {@code DENY}. Immutable; the notice subscriber builds a new one
 * whenever the set changes, and lookups ignore an intercept from its {@code expiresAt} on even
 * before the subscriber drops it.
 */
public final class InterceptSet {

  public static final InterceptSet EMPTY = new InterceptSet(List.of());

  private final List<InterceptNotice> notices;
  private final LabelledRanges ranges;
  /** caller → iface → decision; empty when no caller has used up a quota. */
  private final Map<String, Map<String, Decision>> quotas;

  private InterceptSet(List<InterceptNotice> notices) {
    this.notices = List.copyOf(notices);
    List<InterceptNotice> ordered = new ArrayList<>();
    Map<String, Map<String, Decision>> q = new HashMap<>();
    for (InterceptNotice n : this.notices) {
      if (n.isQuota()) {
        q.computeIfAbsent(n.quota().caller(), c -> new HashMap<>()).put(n.quota().iface(), decision(n));
      } else if (KafkaKeys.ALL_APPS.equals(n.app())) {
        ordered.add(n); // '*' first so that an app's own notice for the same block wins
      }
    }
    for (InterceptNotice n : this.notices) {
      if (!n.isQuota() && !KafkaKeys.ALL_APPS.equals(n.app())) {
        ordered.add(n);
      }
    }
    Blocks blocks = new Blocks(ordered.size());
    ordered.forEach(n -> blocks.add(n.target()));
    InterceptNotice[] rules = ordered.toArray(new InterceptNotice[0]);
    this.ranges = rules.length == 0 ? LabelledRanges.EMPTY
        : new LabelledRanges(blocks, i -> Decision.expiryOf(rules[i]), i -> decision(rules[i]));
    q.replaceAll((caller, byIface) -> Map.copyOf(byIface));
    this.quotas = Map.copyOf(q);
  }

  /** The notices of {@code all} that apply to {@code app}. */
  public static InterceptSet of(String app, Collection<InterceptNotice> all) {
    List<InterceptNotice> mine = new ArrayList<>();
    for (InterceptNotice n : all) {
      if (n.app().equals(app) || KafkaKeys.ALL_APPS.equals(n.app())) {
        mine.add(n);
      }
    }
    return mine.isEmpty() ? EMPTY : new InterceptSet(mine);
  }

  static Decision decision(InterceptNotice n) {
    return new Decision(n.isPermanent() ? Decision.Outcome.DENY : Decision.Outcome.LIMIT,
        n.isQuota() ? Decision.Reason.QUOTA : Decision.Reason.INTERCEPT, n, null);
  }

  public int size() {
    return notices.size();
  }

  public List<InterceptNotice> notices() {
    return notices;
  }

  /** True if some caller has used up a quota: only then is {@link #quota} worth asking. */
  boolean hasQuotas() {
    return !quotas.isEmpty();
  }

  /** The quota notice for {@code caller} on {@code iface} in force at {@code now}, or null. Allocation-free. */
  Decision quota(String caller, String iface, long now) {
    if (caller == null || iface == null) {
      return null;
    }
    Map<String, Decision> byIface = quotas.get(caller);
    if (byIface == null) {
      return null;
    }
    Decision d = byIface.get(iface);
    return d != null && ((InterceptNotice) d.source()).isActiveAt(now) ? d : null;
  }

  Decision match(long v4, long[] v6, long now) {
    return ranges.lookup(v4, v6, now);
  }
}
