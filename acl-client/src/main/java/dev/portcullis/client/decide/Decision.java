package dev.portcullis.client.decide;

import dev.portcullis.wire.InterceptNotice;

/**
 * The answer to one {@code check}: allow, deny or limit, why, and until when. The decision of a
 * list entry or intercept is built the first time that rule decides and reused after, so returning
 * one allocates nothing in the steady state; it points at the rule that decided ({@link #source()})
 * and renders {@link #detail()} only when asked, which keeps a million compiled entries small.
 *
 * <p>Immutable and thread-safe.
 */
public final class Decision {

  /** What to do with the request. */
  public enum Outcome {
    /** Serve it. */
    ALLOW,
    /** Refuse it for good (HTTP 403). */
    DENY,
    /** Refuse it for now (HTTP 429 with Retry-After). */
    LIMIT
  }

  /** Which rule decided. */
  public enum Reason {
    ALLOW_LIST, DENY_LIST, INTERCEPT, QUOTA, LOCAL_LIMIT, OPEN_MODE, CLOSED_MODE, UNPARSEABLE_ADDRESS, FAIL_OPEN
  }

  public static final Decision OPEN = new Decision(Outcome.ALLOW, Reason.OPEN_MODE, "app is OPEN", null);
  public static final Decision CLOSED =
      new Decision(Outcome.DENY, Reason.CLOSED_MODE, "app is CLOSED and the address is not allowlisted", null);
  public static final Decision FAIL_OPEN = new Decision(Outcome.ALLOW, Reason.FAIL_OPEN, "internal error: failing open", null);

  private final Outcome outcome;
  private final Reason reason;
  private final Object source; // a String, a ListedBlock or an InterceptNotice
  private final String scope;  // for list entries: "global" or the app
  private final long expiresAt; // 0: no end

  Decision(Outcome outcome, Reason reason, Object source, String scope) {
    this.outcome = outcome;
    this.reason = reason;
    this.source = source;
    this.scope = scope;
    this.expiresAt = expiryOf(source);
  }

  /** Epoch ms at which a listed block or intercept notice lapses; 0 for none (or for anything else). */
  static long expiryOf(Object rule) {
    if (rule instanceof ListedBlock b) {
      return b.expiresAt();
    }
    if (rule instanceof InterceptNotice n) {
      return n.expiresAt() == null ? 0 : n.expiresAt();
    }
    return 0;
  }

  public Outcome outcome() {
    return outcome;
  }

  public Reason reason() {
    return reason;
  }

  /** The list entry ({@link ListedBlock}) or intercept notice that decided, or a String for fixed rules. */
  public Object source() {
    return source;
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOW;
  }

  /** Epoch ms at which the deciding rule lapses; 0 when it has no end. */
  public long expiresAt() {
    return expiresAt;
  }

  /** For logs: which entry, intercept or rule decided. Allocates; not for the hot path. */
  public String detail() {
    if (source instanceof ListedBlock b) {
      return b.toString();
    }
    if (source instanceof InterceptNotice n) {
      return (n.isQuota() ? "quota used up: " : "intercept ") + n.describeTarget() + " level " + n.level() + ": "
          + n.reason();
    }
    return String.valueOf(source);
  }

  /** Seconds until the deciding rule lapses (at least 1), for {@code Retry-After}; 0 if it has no end. */
  public long retryAfterSeconds(long nowMillis) {
    long e = expiresAt();
    if (e == 0) {
      return 0;
    }
    return Math.max(1, (e - nowMillis + 999) / 1000);
  }

  @Override
  public String toString() {
    return outcome + " (" + reason + "): " + detail();
  }
}
