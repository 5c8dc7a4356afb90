package dev.portcullis.client.decide;

import dev.portcullis.address.Cidr;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A {@link RangeTable} whose labels point at the rules (list entries or intercept notices) that
 * decide. A hit whose rule has lapsed (until the rules are rebuilt without it) falls back to the most
 * specific enclosing rule still in force, through a parent link per rule: a few steps, no allocation
 * after each rule's first decision, whatever the number of rules.
 *
 * <p>The {@link Decision} of a rule is built the first time the rule decides and kept for every later
 * hit, so a million entries cost a reference each until they are hit, and a hit allocates nothing
 * after the first. Two threads hitting a new rule at once may each build its decision; they are
 * equal and immutable, and either may stay.
 */
final class LabelledRanges {

  /** Builds the decision of a rule; {@code flag} is what the builder was told with the rule. */
  interface DecisionMaker {
    Decision make(Object rule, boolean flag);
  }

  private final RangeTable table;
  private final Object[] rules;
  private final BitSet flags;
  private final DecisionMaker maker;
  private final Decision[] decisions; // filled on first hit
  // bit per label: the rule has an expiry. With a million rules the decision is a cache miss away,
  // so a hit reads its expiry only when it has one; null when no rule expires.
  private final long[] expiring;

  private LabelledRanges(List<RangeTable.Entry> entries, Object[] rules, BitSet flags, DecisionMaker maker) {
    this.rules = rules;
    this.flags = flags;
    this.maker = maker;
    this.decisions = new Decision[rules.length];
    BitSet expiringRules = new BitSet(rules.length);
    for (int i = 0; i < rules.length; i++) {
      expiringRules.set(i, Decision.expiryOf(rules[i]) != 0);
    }
    this.expiring = expiringRules.isEmpty() ? null : expiringRules.toLongArray();
    // fallbacks are needed only where a rule can lapse
    this.table = expiring == null ? RangeTable.of(entries) : RangeTable.withParents(entries, rules.length);
  }

  static final LabelledRanges EMPTY =
      new LabelledRanges(List.of(), new Object[0], new BitSet(), (r, f) -> null);

  /** Builds from rules in precedence order: a later rule for the same block wins. */
  static final class Builder {
    private final DecisionMaker maker;
    private final List<RangeTable.Entry> entries = new ArrayList<>();
    private final List<Object> rules = new ArrayList<>();
    private final BitSet flags = new BitSet();

    Builder(DecisionMaker maker) {
      this.maker = maker;
    }

    Builder add(Cidr cidr, Object rule, boolean flag) {
      entries.add(new RangeTable.Entry(cidr, rules.size()));
      flags.set(rules.size(), flag);
      rules.add(rule);
      return this;
    }

    LabelledRanges build() {
      if (entries.isEmpty()) {
        return EMPTY;
      }
      return new LabelledRanges(entries, rules.toArray(), flags, maker);
    }
  }

  /** The decision of the most specific block whose rule is in force at {@code nowMillis}, or null. */
  Decision lookup(long v4, long[] v6, long nowMillis) {
    if (rules.length == 0) {
      return null;
    }
    int label = v4 >= 0 ? table.lookupV4(v4) : table.lookupV6(v6[0], v6[1]);
    if (label == RangeTable.NONE) {
      return null;
    }
    Decision d = decision(label);
    long[] e = expiring;
    if (e == null || !expires(e, label) || nowMillis < d.expiresAt()) {
      return d;
    }
    // lapsed, and not yet rebuilt away: the most specific enclosing rule still in force
    for (int l = table.parent(label); l != RangeTable.NONE; l = table.parent(l)) {
      Decision p = decision(l);
      if (!expires(e, l) || nowMillis < p.expiresAt()) {
        return p;
      }
    }
    return null;
  }

  private Decision decision(int label) {
    Decision d = decisions[label];
    if (d == null) {
      d = maker.make(rules[label], flags.get(label));
      decisions[label] = d;
    }
    return d;
  }

  private static boolean expires(long[] expiring, int label) {
    return label >>> 6 < expiring.length && (expiring[label >>> 6] & (1L << label)) != 0;
  }

  /** Earliest expiry after {@code nowMillis}, or Long.MAX_VALUE. */
  long nextExpiryAfter(long nowMillis) {
    long next = Long.MAX_VALUE;
    for (Object r : rules) {
      long e = Decision.expiryOf(r);
      if (e != 0 && e > nowMillis && e < next) {
        next = e;
      }
    }
    return next;
  }
}
