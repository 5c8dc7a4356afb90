package dev.portcullis.client.decide;

import dev.portcullis.address.IpAddress;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.wire.InterceptNotice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The active intercepts that apply to one app (its own and those for every app, {@code *}),
 * compiled into a range table. A timed intercept becomes a {@code LIMIT} decision with its expiry
 * (HTTP 429 and Retry-After); a permanent one a {@code DENY}. Immutable; the notice subscriber
 * builds a new one whenever the set changes, and lookups ignore an intercept from its
 * {@code expiresAt} on even before the subscriber drops it.
 */
public final class InterceptSet {

  public static final InterceptSet EMPTY = new InterceptSet(List.of());

  private final List<InterceptNotice> notices;
  private final LabelledRanges ranges;

  private InterceptSet(List<InterceptNotice> notices) {
    this.notices = List.copyOf(notices);
    LabelledRanges.Builder b = new LabelledRanges.Builder();
    // '*' first so that an app's own notice for the same block wins
    for (InterceptNotice n : this.notices) {
      if (KafkaKeys.ALL_APPS.equals(n.app())) {
        b.add(n.target(), decision(n), n.expiresAt());
      }
    }
    for (InterceptNotice n : this.notices) {
      if (!KafkaKeys.ALL_APPS.equals(n.app())) {
        b.add(n.target(), decision(n), n.expiresAt());
      }
    }
    this.ranges = b.build();
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
    return new Decision(n.isPermanent() ? Decision.Outcome.DENY : Decision.Outcome.LIMIT, Decision.Reason.INTERCEPT, n, null);
  }

  public int size() {
    return notices.size();
  }

  public List<InterceptNotice> notices() {
    return notices;
  }

  Decision match(long v4, long[] v6, long now) {
    Decision d = ranges.lookup(v4, v6, now);
    if (d != LabelledRanges.EXPIRED) {
      return d;
    }
    // the most specific intercept has lapsed: find the most specific one still active
    IpAddress ip = v4 >= 0 ? IpAddress.ofV4((int) v4) : IpAddress.ofV6(v6[0], v6[1]);
    InterceptNotice best = null;
    for (InterceptNotice n : notices) {
      if (n.isActiveAt(now) && n.target().contains(ip)
          && (best == null || n.target().prefix() > best.target().prefix())) {
        best = n;
      }
    }
    return best == null ? null : decision(best);
  }
}
