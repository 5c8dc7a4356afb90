package dev.portcullis.client.decide;

import dev.portcullis.address.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RangeTable} whose labels point at pre-built decisions with their expiry. A hit whose
 * expiry has passed reports {@link #EXPIRED} so that the caller can take the exact (slower) path
 * until the rules are recompiled without it.
 */
final class LabelledRanges {

  /** Marker returned by lookups whose most specific match has expired. */
  static final Decision EXPIRED = new Decision(Decision.Outcome.ALLOW, Decision.Reason.FAIL_OPEN, "expired", null);

  private final RangeTable table;
  private final Decision[] decisions;
  private final long[] expiresAt; // Long.MAX_VALUE: never

  private LabelledRanges(RangeTable table, Decision[] decisions, long[] expiresAt) {
    this.table = table;
    this.decisions = decisions;
    this.expiresAt = expiresAt;
  }

  static final LabelledRanges EMPTY = new LabelledRanges(RangeTable.empty(), new Decision[0], new long[0]);

  /** Builds from entries in precedence order: a later entry for the same block wins. */
  static final class Builder {
    private final List<RangeTable.Entry> entries = new ArrayList<>();
    private final List<Decision> decisions = new ArrayList<>();
    private final List<Long> expiries = new ArrayList<>();

    Builder add(Cidr cidr, Decision decision, Long expiresAt) {
      entries.add(new RangeTable.Entry(cidr, decisions.size()));
      decisions.add(decision);
      expiries.add(expiresAt == null ? Long.MAX_VALUE : expiresAt);
      return this;
    }

    LabelledRanges build() {
      if (entries.isEmpty()) {
        return EMPTY;
      }
      long[] exp = new long[expiries.size()];
      for (int i = 0; i < exp.length; i++) {
        exp[i] = expiries.get(i);
      }
      return new LabelledRanges(RangeTable.of(entries), decisions.toArray(new Decision[0]), exp);
    }
  }

  /** The decision of the most specific block, {@link #EXPIRED}, or null for no match. */
  Decision lookup(long v4, long[] v6, long nowMillis) {
    if (decisions.length == 0) {
      return null;
    }
    int label = v4 >= 0 ? table.lookupV4(v4) : table.lookupV6(v6[0], v6[1]);
    if (label == RangeTable.NONE) {
      return null;
    }
    return nowMillis < expiresAt[label] ? decisions[label] : EXPIRED;
  }

  /** Earliest expiry after {@code nowMillis}, or Long.MAX_VALUE. */
  long nextExpiryAfter(long nowMillis) {
    long next = Long.MAX_VALUE;
    for (long e : expiresAt) {
      if (e > nowMillis && e < next) {
        next = e;
      }
    }
    return next;
  }
}
