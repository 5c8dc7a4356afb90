package dev.portcullis.notifier.intercept;

import dev.portcullis.address.Cidr;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.notifier.escalation.Escalation;
import dev.portcullis.notifier.escalation.HistoryStore;
import dev.portcullis.notifier.escalation.OffenderHistory;
import dev.portcullis.notifier.scan.Breach;
import dev.portcullis.notifier.scan.QuotaBreach;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.InterceptNotice;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The set of active intercepts and every decision about them: automatic ones from breaches (with
 * the escalation ladder, the allowlist, shadow mode and the safety valve), manual ones from the API,
 * releases, and expiry. Every decision is published and audited through a {@link NoticeSink}.
 *
 * <p>Only the elected leader drives it. Methods are synchronized: the scan thread and API threads
 * share it, and decisions are rare compared to checks.
 */
public final class InterceptBook {

  /** What became of a breach. */
  /**
   * What became of a breach. {@code STALE}: its window ended before the target's last intercept did
   * (lapsed or released by an operator), so those requests were already answered for: a release is
   * not undone by the counts that led to it.
   */
  public enum Outcome { ISSUED, ALREADY_ACTIVE, ALLOWLISTED, SHADOWED, REFUSED, RELEASED_FOR_THE_DAY, STALE }

  private final Clock clock;
  private final NoticeSink sink;
  private final HistoryStore history;
  private final SafetyValve valve;
  private final Supplier<String> ids;
  private final Map<String, InterceptNotice> active = new ConcurrentHashMap<>();
  private final Map<String, Long> shadowedUntil = new HashMap<>();
  private final RefusalEpisodes refusals = new RefusalEpisodes(60_000, 100_000);
  private final QuotaReleases releases;
  private final java.util.concurrent.atomic.AtomicLong valveEpisodes = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong lastReactionMillis = new java.util.concurrent.atomic.AtomicLong(-1);

  public InterceptBook(Clock clock, NoticeSink sink, HistoryStore history, QuotaReleases releases, SafetyValve valve,
      Supplier<String> ids) {
    this.clock = clock;
    this.releases = releases;
    this.sink = sink;
    this.history = history;
    this.valve = valve;
    this.ids = ids;
  }

  /** Replaces the active set, e.g. with what the compacted topic holds when this notifier becomes leader. */
  public synchronized void load(Collection<InterceptNotice> notices) {
    active.clear();
    long now = clock.millis();
    for (InterceptNotice n : notices) {
      if (n.isActiveAt(now)) {
        active.put(n.key(), n);
      }
    }
  }

  /** A snapshot of the active intercepts. */
  public List<InterceptNotice> active() {
    return new ArrayList<>(active.values());
  }

  /** Decides what to do about one breach. */
  public synchronized Outcome consider(Breach b, ConfigSnapshot config) {
    long now = clock.millis();
    String key = KafkaKeys.notice(b.app(), b.target());
    InterceptNotice current = active.get(key);
    if (current != null && current.isActiveAt(now)) {
      return Outcome.ALREADY_ACTIVE;
    }
    if (config.allowEntry(b.app(), b.target().network(), now) != null) {
      return Outcome.ALLOWLISTED;
    }
    GlobalPolicy global = config.global();
    OffenderHistory h = history.get(b.app(), b.target());
    // the history says an intercept is in force that this book does not hold: its notice never reached the
    // topic (the last leader died between the two); issued again as it was, neither climbing nor extended
    boolean lost = h != null && (h.lastExpiresAt() == null || h.lastExpiresAt() > now);
    if (h != null && !lost && windowEndMillis(b) <= h.lastExpiresAt()) {
      return Outcome.STALE;
    }
    int level = Escalation.nextLevel(h, now, global.forgiveAfter());
    Long expiresAt = lost ? h.lastExpiresAt() : Escalation.expiresAt(global.ladder(), level, now);
    Map<String, String> evidence = evidence(b);
    if (lost) {
      evidence.put("reissued", "the history holds this intercept in force but no notice was found for it");
    }
    if (inShadowMode(config, b.app())) {
      if (firstShadowing(key, expiresAt == null ? Long.MAX_VALUE : expiresAt, now)) {
        sink.audit(audit(now, "notifier", AuditRecord.Kind.INTERCEPT_SHADOWED, b.app(), b.target(), level,
            "shadow mode: would deny, " + b.reason(), config.version(), evidence));
      }
      return Outcome.SHADOWED;
    }
    String refusal = valve.check(b.target(), now);
    if (refusal != null) {
      if (refusals.refused(key, now)) {
        valveEpisodes.incrementAndGet();
        sink.audit(audit(now, "notifier", AuditRecord.Kind.INTERCEPT_REFUSED, b.app(), b.target(), level, refusal,
            config.version(), evidence));
      }
      return Outcome.REFUSED;
    }
    InterceptNotice n = new InterceptNotice(ids.get(), b.app(), b.target(), InterceptNotice.Action.DENY, level,
        b.reason(), now, expiresAt);
    lastReactionMillis.set(Math.max(0, now - windowEndMillis(b)));
    history.put(b.app(), b.target(), new OffenderHistory(level, now, expiresAt));
    active.put(key, n);
    sink.publish(n);
    sink.audit(audit(now, "notifier", AuditRecord.Kind.INTERCEPT_ISSUED, b.app(), b.target(), level, b.reason(),
        config.version(), evidence));
    return Outcome.ISSUED;
  }

  /**
   * Decides what to do about a used-up daily quota: a quota notice for that caller on that
   * interface until the day ends in the quota zone (level 1; no ladder, the quota resets each day).
   * Shadow mode records it instead. The allowlist and the safety valve are about addresses and do
   * not apply; an allowlisted address is still served by every client, which asks the allowlist first.
   */
  public synchronized Outcome considerQuota(QuotaBreach b, ConfigSnapshot config) {
    long now = clock.millis();
    InterceptNotice.QuotaScope scope = new InterceptNotice.QuotaScope(b.caller(), b.iface());
    String key = KafkaKeys.quotaNotice(b.app(), b.caller(), b.iface());
    InterceptNotice current = active.get(key);
    if (current != null && current.isActiveAt(now)) {
      return Outcome.ALREADY_ACTIVE;
    }
    if (b.endOfDay() <= now) {
      return Outcome.ALREADY_ACTIVE; // yesterday's count read at midnight: the quota has reset
    }
    if (releases.releasedUntil(b.app(), b.caller(), b.iface()) > now) {
      return Outcome.RELEASED_FOR_THE_DAY;
    }
    Map<String, String> evidence = new TreeMap<>();
    evidence.put("window", "1d");
    evidence.put("day", Integer.toString(b.day()));
    evidence.put("count", Long.toString(b.count()));
    evidence.put("limit", Long.toString(b.perDay()));
    evidence.put("rule", b.rule());
    evidence.put("caller", b.caller());
    evidence.put("iface", b.iface());
    String reason = b.reason() + ": " + b.caller() + " on " + b.iface();
    if (inShadowMode(config, b.app())) {
      if (firstShadowing(key, b.endOfDay(), now)) {
        sink.audit(audit(now, "notifier", AuditRecord.Kind.INTERCEPT_SHADOWED, b.app(), null, 1,
            "shadow mode: would limit, " + reason, config.version(), evidence));
      }
      return Outcome.SHADOWED;
    }
    InterceptNotice n = InterceptNotice.quota(ids.get(), b.app(), scope, 1, reason, now, b.endOfDay());
    active.put(key, n);
    sink.publish(n);
    sink.audit(audit(now, "notifier", AuditRecord.Kind.INTERCEPT_ISSUED, b.app(), null, 1, reason, config.version(),
        evidence));
    return Outcome.ISSUED;
  }

  /** Safety-valve refusal episodes so far (a target refused again within a minute is the same episode). */
  public long valveEpisodes() {
    return valveEpisodes.get();
  }

  /**
   * For the last intercept issued from a breach: ms from the end of the window that showed it to its
   * issue (the scanner's share of the reaction time); -1 before the first.
   */
  public long lastReactionMillis() {
    return lastReactionMillis.get();
  }

  private static long windowEndMillis(Breach b) {
    return b.window().equals("1s") ? (b.windowStart() + 1) * 1000 : (b.windowStart() + 1) * 60_000;
  }

  /** A manual intercept (level 0); {@code duration} null for permanent. */
  public synchronized InterceptNotice issueManual(String app, Cidr target, Duration duration, String reason, String actor) {
    return issueManual(app, target, duration, reason, actor, Map.of());
  }

  /**
   * An operator's intercept; its audit record (built first, so that a record that cannot be built
   * stops the intercept) carries {@code evidence}, e.g. that an admin forced it and why.
   */
  public synchronized InterceptNotice issueManual(String app, Cidr target, Duration duration, String reason, String actor,
      Map<String, String> evidence) {
    long now = clock.millis();
    InterceptNotice n = new InterceptNotice(ids.get(), app, target, InterceptNotice.Action.DENY, 0, reason, now,
        duration == null ? null : now + duration.toMillis());
    Map<String, String> ev = new java.util.HashMap<>(evidence);
    ev.put("manual", "true");
    ev.put("duration", duration == null ? "PERMANENT" : duration.toString());
    AuditRecord record = audit(now, actor, AuditRecord.Kind.INTERCEPT_ISSUED, app, target, 0, reason, -1, ev);
    sink.audit(record);
    active.put(n.key(), n);
    sink.publish(n);
    return n;
  }

  /** Releases an intercept now; false if there was none. */
  public synchronized boolean release(String app, Cidr target, String actor, String reason) {
    return releaseKey(KafkaKeys.notice(app, target), actor, reason);
  }

  /**
   * Releases a quota notice now: the caller may use the interface again for the rest of the day,
   * and the scanner does not issue the notice again until the day ends (its count stays over the
   * quota), on this leader or a later one. False if there was none.
   */
  public synchronized boolean releaseQuota(String app, String caller, String iface, String actor, String reason) {
    return releaseKey(KafkaKeys.quotaNotice(app, caller, iface), actor, reason);
  }

  private boolean releaseKey(String key, String actor, String reason) {
    InterceptNotice n = active.remove(key);
    if (n == null) {
      return false;
    }
    long now = clock.millis();
    if (n.isQuota() && n.expiresAt() != null) {
      // the count stays over the quota until the day ends: remember the release where a new leader sees it
      releases.release(n.app(), n.quota().caller(), n.quota().iface(), n.expiresAt());
    }
    if (!n.isQuota()) {
      OffenderHistory h = history.get(n.app(), n.target());
      if (h != null) {
        history.put(n.app(), n.target(), new OffenderHistory(h.level(), h.lastIssuedAt(), now));
      }
    }
    sink.release(key);
    sink.audit(audit(now, actor, AuditRecord.Kind.INTERCEPT_RELEASED, n.app(), n.target(), n.level(),
        n.isQuota() ? reason + ": " + n.describeTarget() : reason, -1, Map.of()));
    return true;
  }

  /** Publishes a tombstone for every intercept past its expiry. Returns how many. */
  public synchronized int expire() {
    long now = clock.millis();
    int n = 0;
    for (InterceptNotice notice : new ArrayList<>(active.values())) {
      if (!notice.isActiveAt(now)) {
        active.remove(notice.key());
        sink.release(notice.key());
        sink.audit(audit(now, "notifier", AuditRecord.Kind.INTERCEPT_RELEASED, notice.app(), notice.target(),
            notice.level(), notice.isQuota() ? "expired: " + notice.describeTarget() : "expired", -1, Map.of()));
        n++;
      }
    }
    shadowedUntil.values().removeIf(until -> until <= now);
    return n;
  }

  /** Publishes every active notice again, so that the compacted topic keeps equal to the truth. */
  public void reassert() {
    // the active map is concurrent: no lock is held while the sink waits for Kafka
    for (InterceptNotice n : active.values()) {
      sink.publish(n);
    }
    sink.flush();
  }

  /** Waits until what was handed to the sink is sent; for API writes, outside the book's lock. */
  public void flush() {
    sink.flush();
  }

  /**
   * Publishes again the notices whose publishing failed, if they are still active (a notice released
   * meanwhile stays released), then waits for what this scan handed to the sink. Once per scan, after
   * the breaches are judged, outside the book's lock.
   */
  public void republishFailedAndFlush() {
    for (String key : sink.takeFailedPublishes()) {
      InterceptNotice n = active.get(key);
      if (n != null && n.isActiveAt(clock.millis())) {
        sink.publish(n);
      }
    }
    sink.flush();
  }

  private static boolean inShadowMode(ConfigSnapshot config, String app) {
    return config.global().shadow() || config.policy(app).shadow();
  }

  /** True the first time {@code key} is shadowed until {@code until}: only then is it audited. */
  private boolean firstShadowing(String key, long until, long now) {
    Long current = shadowedUntil.get(key);
    if (current != null && current > now) {
      return false;
    }
    shadowedUntil.put(key, until);
    return true;
  }

  private AuditRecord audit(long now, String actor, AuditRecord.Kind kind, String app, Cidr target, int level,
      String reason, long ruleVersion, Map<String, String> evidence) {
    return new AuditRecord(ids.get(), now, actor, kind, app, target, level,
        reason.length() > 500 ? reason.substring(0, 500) : reason, ruleVersion, evidence);
  }

  private static Map<String, String> evidence(Breach b) {
    Map<String, String> e = new TreeMap<>();
    e.put("window", b.window());
    e.put("windowStart", Long.toString(b.windowStart()));
    e.put("count", Long.toString(b.count()));
    e.put("limit", Long.toString(b.limit()));
    e.put("rule", b.rule());
    return e;
  }
}
