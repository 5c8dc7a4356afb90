package dev.portcullis.client.decide;

import dev.portcullis.config.AppMode;
import dev.portcullis.config.ConfigSnapshot;

/**
 * One app's lists compiled from its {@link AppRules} into range tables: allow and deny, each
 * merging the app's entries with the global ones (for the same block the app's entry wins; for
 * nested blocks the most specific wins, whichever scope it is in). Keeps the compact rules (to name a
 * deciding entry and to compile again), not the parsed configuration. Immutable; rebuilt whenever the
 * rules change and whenever an entry in them expires.
 */
public final class CompiledRules {

  private final AppRules rules;
  private final LabelledRanges allow;
  private final LabelledRanges deny;

  private CompiledRules(String app, AppRules rules) {
    this.rules = rules;
    this.allow = lists(rules.allow(), app, true);
    this.deny = lists(rules.deny(), app, false);
  }

  public static CompiledRules compile(String app, AppRules rules) {
    return new CompiledRules(app, rules);
  }

  /** Compiles the app's part of a whole configuration. */
  public static CompiledRules compile(String app, ConfigSnapshot snapshot) {
    return compile(app, AppRules.of(app, snapshot));
  }

  private static LabelledRanges lists(RuleColumns c, String app, boolean allow) {
    if (c.size() == 0) {
      return LabelledRanges.EMPTY;
    }
    Blocks blocks = c.blocks();
    return new LabelledRanges(blocks, c.anyExpires() ? c::expiresAt : null,
        i -> decision(new ListedBlock(blocks.cidr(i), allow, c.own(i) ? app : "global", c.expiresAt(i))));
  }

  static Decision decision(ListedBlock b) {
    return new Decision(b.allow() ? Decision.Outcome.ALLOW : Decision.Outcome.DENY,
        b.allow() ? Decision.Reason.ALLOW_LIST : Decision.Reason.DENY_LIST, b, b.scope());
  }

  /** The compact rules these tables were compiled from. */
  public AppRules rules() {
    return rules;
  }

  public long version() {
    return rules.version();
  }

  public AppMode mode() {
    return rules.mode();
  }

  /** Earliest entry expiry after {@code nowMillis}: when to recompile. Long.MAX_VALUE if none. */
  public long nextExpiryAfter(long nowMillis) {
    return Math.min(rules.allow().nextExpiryAfter(nowMillis), rules.deny().nextExpiryAfter(nowMillis));
  }

  /** The allow-list decision for an address, or null. */
  Decision allow(long v4, long[] v6, long now) {
    return allow.lookup(v4, v6, now);
  }

  Decision deny(long v4, long[] v6, long now) {
    return deny.lookup(v4, v6, now);
  }
}
