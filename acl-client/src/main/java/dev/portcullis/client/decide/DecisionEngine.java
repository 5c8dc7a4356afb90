package dev.portcullis.client.decide;

import dev.portcullis.client.emit.AccessRing;
import dev.portcullis.client.thread.ThreadCells;
import dev.portcullis.client.time.CoarseClock;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.ConfigSnapshot;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides one request in memory, in the order ARCHITECTURE.md fixes: allow entry → deny entry →
 * active intercept → local hard limit → the app's mode. A used-up daily quota of the request's
 * caller on its interface (a quota notice) counts as an intercept and is asked right after the
 * address intercepts. It reads two immutable structures through
 * volatile fields (the compiled lists and the intercept set), a coarse clock, and offers the access
 * to the emitter's ring. It never blocks, never throws (a final guard fails open and counts), and
 * allocates nothing on the common paths.
 *
 * <p>Thread-safe: any number of request threads call {@link #check}; the config and notice threads
 * swap in new rules with {@link #rules(CompiledRules)} and {@link #intercepts(InterceptSet)}.
 */
public final class DecisionEngine {

  private static final Logger LOG = LoggerFactory.getLogger(DecisionEngine.class);

  private static final Decision LOCAL_LIMIT_DECISION =
      new Decision(Decision.Outcome.LIMIT, Decision.Reason.LOCAL_LIMIT, "local per-IP limit", null);
  private static final Decision UNPARSEABLE_ALLOW =
      new Decision(Decision.Outcome.ALLOW, Decision.Reason.UNPARSEABLE_ADDRESS, "client address does not parse: allowed", null);
  private static final Decision UNPARSEABLE_DENY =
      new Decision(Decision.Outcome.DENY, Decision.Reason.UNPARSEABLE_ADDRESS, "client address does not parse: denied", null);

  private static final int ALLOW = Decision.Outcome.ALLOW.ordinal();
  private static final int DENY = Decision.Outcome.DENY.ordinal();

  private final String app;
  private final CoarseClock clock;
  private final AccessRing ring;
  private final LocalLimiter limiter;
  private final UnparseableAddressPolicy unparseable;
  private volatile CompiledRules rules;
  private volatile InterceptSet intercepts = InterceptSet.EMPTY;
  private final ThreadCells threads = new ThreadCells(Decision.Outcome.values().length);
  private final LongAdder unparseableCount = new LongAdder();
  private final LongAdder failOpenCount = new LongAdder();
  private volatile boolean failureLogged;

  /**
   * @param ring    where accesses are recorded, or null to record nothing
   * @param limiter the local hard limit, or null for none
   */
  public DecisionEngine(String app, CoarseClock clock, AccessRing ring, LocalLimiter limiter,
      UnparseableAddressPolicy unparseable) {
    this.app = app;
    this.clock = clock;
    this.ring = ring;
    this.limiter = limiter;
    this.unparseable = unparseable;
    this.rules = CompiledRules.compile(app, ConfigSnapshot.EMPTY);
  }

  /** Decides a request from {@code ip} on {@code iface}; {@code caller} may be null. */
  public Decision check(CharSequence ip, String iface, String caller) {
    try {
      ThreadCells.Cell cell = threads.cell();
      long[] v6 = cell.v6;
      long v4 = Addresses.parse(ip, v6);
      if (v4 == Addresses.NOT_V4) {
        unparseableCount.increment();
        Decision d = unparseableDecision();
        cell.count(d.outcome().ordinal());
        return d;
      }
      long now = clock.millis();
      // the outcome of a list hit is known from the list, so the decision (with a million entries, a
      // cache miss away) is only returned, not read
      CompiledRules r = rules;
      int outcome;
      Decision d = r.allow(v4, v6, now);
      if (d != null) {
        outcome = ALLOW;
      } else if ((d = r.deny(v4, v6, now)) != null) {
        outcome = DENY;
      } else {
        d = afterLists(r, v4, v6, now, iface, caller);
        outcome = d.outcome().ordinal();
      }
      if (ring != null) {
        ring.offer(v4, v4 >= 0 ? 0 : v6[0], v4 >= 0 ? 0 : v6[1], iface, caller, outcome != ALLOW, now);
      }
      cell.count(outcome);
      return d;
    } catch (RuntimeException e) {
      failOpenCount.increment();
      if (!failureLogged) {
        failureLogged = true;
        LOG.error("check failed for app {}; failing open (logged once, counted always)", app, e);
      }
      return Decision.FAIL_OPEN;
    }
  }

  /** Intercepts, quotas, the local limit and the mode: everything after the allow and deny lists. */
  private Decision afterLists(CompiledRules r, long v4, long[] v6, long now, String iface, String caller) {
    InterceptSet set = intercepts;
    Decision d = set.match(v4, v6, now);
    if (d != null) {
      return d;
    }
    if (caller != null && set.hasQuotas()) {
      d = set.quota(caller, iface, now);
      if (d != null) {
        return d;
      }
    }
    if (limiter != null) {
      long hash = v4 >= 0 ? v4 : v6[0] * 0x9E3779B97F4A7C15L ^ v6[1];
      if (limiter.overLimit(hash, now)) {
        return LOCAL_LIMIT_DECISION;
      }
    }
    return r.mode() == AppMode.OPEN ? Decision.OPEN : Decision.CLOSED;
  }

  private Decision unparseableDecision() {
    return switch (unparseable) {
      case ALLOW -> UNPARSEABLE_ALLOW;
      case DENY -> UNPARSEABLE_DENY;
      case BY_MODE -> rules.mode() == AppMode.CLOSED ? UNPARSEABLE_DENY : UNPARSEABLE_ALLOW;
    };
  }

  /** Swaps in new compiled lists. */
  public void rules(CompiledRules compiled) {
    this.rules = compiled;
  }

  public CompiledRules rules() {
    return rules;
  }

  /** Swaps in a new intercept set. */
  public void intercepts(InterceptSet set) {
    this.intercepts = set;
  }

  public InterceptSet intercepts() {
    return intercepts;
  }

  public long decisions(Decision.Outcome outcome) {
    return threads.sum(outcome.ordinal());
  }

  public long unparseableAddresses() {
    return unparseableCount.sum();
  }

  public long failOpens() {
    return failOpenCount.sum();
  }
}
