package dev.portcullis.client.decide;

/**
 * The answer to one {@code check}: allow, deny or limit, why, and until when. Decisions for list
 * entries and intercepts are built once when the rules are compiled, so returning one allocates
 * nothing.
 *
 * @param detail    for logs: which entry, intercept or rule decided
 * @param expiresAt epoch ms at which the deciding rule lapses; 0 when it has no end
 */
public record Decision(Outcome outcome, Reason reason, String detail, long expiresAt) {

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
    ALLOW_LIST, DENY_LIST, INTERCEPT, LOCAL_LIMIT, OPEN_MODE, CLOSED_MODE, UNPARSEABLE_ADDRESS, FAIL_OPEN
  }

  public static final Decision OPEN = new Decision(Outcome.ALLOW, Reason.OPEN_MODE, "app is OPEN", 0);
  public static final Decision CLOSED = new Decision(Outcome.DENY, Reason.CLOSED_MODE, "app is CLOSED and the address is not allowlisted", 0);
  public static final Decision FAIL_OPEN = new Decision(Outcome.ALLOW, Reason.FAIL_OPEN, "internal error: failing open", 0);

  public boolean allowed() {
    return outcome == Outcome.ALLOW;
  }

  /** Seconds until the deciding rule lapses (at least 1), for {@code Retry-After}; 0 if it has no end. */
  public long retryAfterSeconds(long nowMillis) {
    if (expiresAt == 0) {
      return 0;
    }
    return Math.max(1, (expiresAt - nowMillis + 999) / 1000);
  }
}
