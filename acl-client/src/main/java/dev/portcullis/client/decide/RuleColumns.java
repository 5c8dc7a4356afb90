package dev.portcullis.client.decide;

import dev.portcullis.config.ListEntry;
import java.util.BitSet;

/**
 * One list (allow or deny) as it applies to one app, compact: the global entries and then the app's
 * own, in {@link Blocks} columns, each with its expiry and whether it is the app's own. What a client
 * keeps of its lists besides the compiled tables (to name a deciding entry, and to compile again
 * once entries lapse): about 17 bytes per entry, 25 when some entry expires.
 *
 * <p>Filled by one thread through {@link #add}, then only read.
 */
public final class RuleColumns {

  private final Blocks blocks;
  private long[] expiresAt; // 0: no expiry; null while no entry expires
  private final BitSet own = new BitSet();
  private int capacityHint;

  public RuleColumns(int expected) {
    this.blocks = new Blocks(expected);
  }

  /** Makes room for {@code entries} in all without growing again (an expiry column is sized when first needed). */
  public void ensureCapacity(int entries) {
    blocks.ensureCapacity(entries);
    capacityHint = Math.max(capacityHint, entries);
  }

  /** Adds an entry in precedence order (global entries before the app's); {@code expiresAt} 0 for none. */
  public void add(boolean v4, long networkHi, long networkLo, int prefix, long expiresAt, boolean appsOwn) {
    int i = blocks.add(v4, networkHi, networkLo, prefix);
    if (expiresAt != 0) {
      if (this.expiresAt == null) {
        this.expiresAt = new long[Math.max(Math.max(16, i + 1), capacityHint)];
      } else if (this.expiresAt.length <= i) {
        this.expiresAt = java.util.Arrays.copyOf(this.expiresAt, Math.max(i + 1, this.expiresAt.length * 3 / 2 + 1));
      }
      this.expiresAt[i] = expiresAt;
    }
    own.set(i, appsOwn);
  }

  /** Adds a parsed entry. */
  public void add(ListEntry e, boolean appsOwn) {
    var n = e.cidr().network();
    add(n.isV4(), n.high(), n.low(), e.cidr().prefix(), e.expiresAt() == null ? 0 : e.expiresAt(), appsOwn);
  }

  public int size() {
    return blocks.size();
  }

  Blocks blocks() {
    return blocks;
  }

  /** Entry {@code i}'s block (allocates). */
  public dev.portcullis.address.Cidr block(int i) {
    return blocks.cidr(i);
  }

  /** Entry {@code i}'s expiry, epoch ms; 0 for none. */
  public long expiresAt(int i) {
    return expiresAt == null || i >= expiresAt.length ? 0 : expiresAt[i];
  }

  boolean anyExpires() {
    return expiresAt != null;
  }

  /** Whether entry {@code i} is the app's own (else global). */
  public boolean own(int i) {
    return own.get(i);
  }

  /** The entries of {@code first} then those of {@code then}, in that order. */
  public static RuleColumns concat(RuleColumns first, RuleColumns then) {
    RuleColumns all = new RuleColumns(first.size() + then.size());
    for (RuleColumns c : new RuleColumns[] {first, then}) {
      for (int i = 0; i < c.size(); i++) {
        all.add(c.blocks.v4(i), c.blocks.hi(i), c.blocks.lo(i), c.blocks.prefix(i), c.expiresAt(i), c.own(i));
      }
    }
    return all.trim();
  }

  /** These columns without the entries lapsed at {@code nowMillis}, or this instance if none has. */
  RuleColumns withoutLapsed(long nowMillis) {
    if (expiresAt == null) {
      return this;
    }
    int lapsed = 0;
    for (int i = 0; i < size(); i++) {
      long e = expiresAt(i);
      lapsed += e != 0 && e <= nowMillis ? 1 : 0;
    }
    if (lapsed == 0) {
      return this;
    }
    RuleColumns kept = new RuleColumns(size() - lapsed);
    for (int i = 0; i < size(); i++) {
      long e = expiresAt(i);
      if (e == 0 || e > nowMillis) {
        kept.add(blocks.v4(i), blocks.hi(i), blocks.lo(i), blocks.prefix(i), e, own(i));
      }
    }
    return kept;
  }

  /** Earliest expiry after {@code nowMillis}, or Long.MAX_VALUE. */
  long nextExpiryAfter(long nowMillis) {
    long next = Long.MAX_VALUE;
    if (expiresAt != null) {
      for (long e : expiresAt) {
        if (e != 0 && e > nowMillis && e < next) {
          next = e;
        }
      }
    }
    return next;
  }

  /** Frees spare room once filled. */
  public RuleColumns trim() {
    blocks.trim();
    if (expiresAt != null && expiresAt.length > size()) {
      expiresAt = java.util.Arrays.copyOf(expiresAt, size());
    }
    return this;
  }
}
