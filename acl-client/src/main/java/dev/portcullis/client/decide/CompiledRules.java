package dev.portcullis.client.decide;

import dev.portcullis.config.AppMode;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ListEntry;

/**
 * One app's lists compiled from a {@link ConfigSnapshot} into range tables: allow and deny, each
 * merging the app's entries with the global ones (for the same block the app's entry wins; for
 * nested blocks the most specific wins, whichever scope it is in). Immutable; rebuilt whenever the
 * snapshot changes and whenever an entry in it expires.
 */
public final class CompiledRules {

  private final ConfigSnapshot snapshot;
  private final AppMode mode;
  private final LabelledRanges allow;
  private final LabelledRanges deny;

  private CompiledRules(String app, ConfigSnapshot snapshot) {
    this.snapshot = snapshot;
    this.mode = snapshot.policy(app).mode();
    this.allow = lists(snapshot, app, true);
    this.deny = lists(snapshot, app, false);
  }

  public static CompiledRules compile(String app, ConfigSnapshot snapshot) {
    return new CompiledRules(app, snapshot);
  }

  private static LabelledRanges lists(ConfigSnapshot s, String app, boolean allow) {
    // the flag says whether an entry is the app's own (else global)
    LabelledRanges.Builder b = new LabelledRanges.Builder(
        (rule, own) -> decision((ListEntry) rule, allow, own ? app : "global"));
    for (ListEntry e : allow ? s.globalAllow() : s.globalDeny()) {
      b.add(e.cidr(), e, false);
    }
    var a = s.apps().get(app);
    if (a != null) {
      for (ListEntry e : allow ? a.allow() : a.deny()) {
        b.add(e.cidr(), e, true);
      }
    }
    return b.build();
  }

  static Decision decision(ListEntry e, boolean allow, String scope) {
    return new Decision(allow ? Decision.Outcome.ALLOW : Decision.Outcome.DENY,
        allow ? Decision.Reason.ALLOW_LIST : Decision.Reason.DENY_LIST, e, scope);
  }

  public ConfigSnapshot snapshot() {
    return snapshot;
  }

  public AppMode mode() {
    return mode;
  }

  /** Earliest entry expiry after {@code nowMillis}: when to recompile. Long.MAX_VALUE if none. */
  public long nextExpiryAfter(long nowMillis) {
    return Math.min(allow.nextExpiryAfter(nowMillis), deny.nextExpiryAfter(nowMillis));
  }

  /** The allow-list decision for an address, or null. */
  Decision allow(long v4, long[] v6, long now) {
    return allow.lookup(v4, v6, now);
  }

  Decision deny(long v4, long[] v6, long now) {
    return deny.lookup(v4, v6, now);
  }
}
