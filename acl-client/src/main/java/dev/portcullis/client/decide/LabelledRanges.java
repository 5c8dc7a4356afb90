package dev.portcullis.client.decide;

import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * A {@link RangeTable} whose labels are rules (list entries or intercept notices) that decide. A
 * hit whose rule has lapsed (until the rules are rebuilt without it) falls back to the most
 * specific enclosing rule still in force, through a parent link per rule: a few steps, no allocation
 * after each rule's first decision, whatever the number of rules.
 *
 * <p>The {@link Decision} of a rule is built the first time the rule decides and kept for every later
 * hit, so a million rules cost a reference each until they are hit, and a hit allocates nothing
 * after the first. Two threads hitting a new rule at once may each build its decision; they are
 * equal and immutable, and either may stay.
 */
final class LabelledRanges {

  private final RangeTable table;
  private final int rules;
  private final IntFunction<Decision> maker;
  private final Decision[] decisions; // filled on first hit
  // bit per label: the rule has an expiry. With a million rules the decision is a cache miss away,
  // so a hit reads its expiry only when it has one; null when no rule expires.
  private final long[] expiring;

  /**
   * @param blocks    the rules' blocks, labelled by index, in precedence order: a later rule for the
   *                  same block wins
   * @param expiresAt a rule's expiry (epoch ms, 0 for none), or null when no rule expires
   * @param maker     builds the decision of a rule (by index), with that expiry
   */
  LabelledRanges(Blocks blocks, IntToLongFunction expiresAt, IntFunction<Decision> maker) {
    this.rules = blocks.size();
    this.maker = maker;
    this.decisions = new Decision[rules];
    long[] bits = null;
    if (expiresAt != null) {
      for (int i = 0; i < rules; i++) {
        if (expiresAt.applyAsLong(i) != 0) {
          if (bits == null) {
            bits = new long[(rules + 63) >>> 6];
          }
          bits[i >>> 6] |= 1L << i;
        }
      }
    }
    this.expiring = bits;
    // fallbacks are needed only where a rule can lapse
    this.table = RangeTable.of(blocks, expiring != null);
  }

  static final LabelledRanges EMPTY = new LabelledRanges(new Blocks(0), null, i -> null);

  /** The decision of the most specific block whose rule is in force at {@code nowMillis}, or null. */
  Decision lookup(long v4, long[] v6, long nowMillis) {
    if (rules == 0) {
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
      d = maker.apply(label);
      decisions[label] = d;
    }
    return d;
  }

  private static boolean expires(long[] expiring, int label) {
    return label >>> 6 < expiring.length && (expiring[label >>> 6] & (1L << label)) != 0;
  }
}
