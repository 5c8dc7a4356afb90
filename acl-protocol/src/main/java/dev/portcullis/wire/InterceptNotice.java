package dev.portcullis.wire;

import dev.portcullis.address.Cidr;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.keys.KafkaKeys;

/**
 * An intercept broadcast on the compacted topic {@code acl.notices}, key {@code <app>|<target>}.
 * A release is a tombstone for the same key. Clients drop a notice at {@code expiresAt} by
 * themselves.
 *
 * <p>A notice names either an address block ({@code target}) or, for a daily quota that a caller
 * has used up, a caller on one interface ({@code quota}, key {@code <app>|quota:<caller>|<iface>});
 * exactly one of the two. A quota notice applies to one app, never to {@code *}.
 *
 * @param app       the app it applies to, or {@code *} for every app
 * @param target    the address block it denies, or {@code null} for a quota notice
 * @param quota     the caller and interface it limits, or {@code null} for an address notice
 * @param level     the rung of the escalation ladder (1 = first offence); 0 for a manual intercept
 * @param expiresAt epoch ms at which it stops applying; {@code null} for permanent
 */
public record InterceptNotice(
    String id, String app, Cidr target, QuotaScope quota, Action action, int level, String reason, long issuedAt,
    Long expiresAt) {

  public static final int VERSION = 1;

  /** A caller on one interface whose daily quota is used up. */
  public record QuotaScope(String caller, String iface) {
    public QuotaScope {
      Identifiers.requireLabel("quota.caller", caller);
      Identifiers.requireLabel("quota.iface", iface);
    }
  }

  /** An address notice. */
  public InterceptNotice(String id, String app, Cidr target, Action action, int level, String reason, long issuedAt,
      Long expiresAt) {
    this(id, app, target, null, action, level, reason, issuedAt, expiresAt);
  }

  /** A quota notice. */
  public static InterceptNotice quota(String id, String app, QuotaScope quota, int level, String reason, long issuedAt,
      Long expiresAt) {
    return new InterceptNotice(id, app, null, quota, Action.DENY, level, reason, issuedAt, expiresAt);
  }

  /** What an intercept does to matching requests. */
  public enum Action {
    DENY
  }

  public InterceptNotice {
    if (id == null || id.isEmpty() || id.length() > 64) {
      throw new IllegalArgumentException("id must be 1-64 characters, was " + id);
    }
    if (!KafkaKeys.ALL_APPS.equals(app)) {
      Identifiers.requireApp("app", app);
    }
    if ((target == null) == (quota == null)) {
      throw new IllegalArgumentException("exactly one of target and quota must be given");
    }
    if (quota != null && KafkaKeys.ALL_APPS.equals(app)) {
      throw new IllegalArgumentException("a quota notice applies to one app, not to '*'");
    }
    if (action == null) {
      throw new IllegalArgumentException("action must not be null");
    }
    if (level < 0 || level > 1000) {
      throw new IllegalArgumentException("level must be between 0 and 1000, was " + level);
    }
    if (reason == null || reason.isEmpty() || reason.length() > 500) {
      throw new IllegalArgumentException("reason must be 1-500 characters");
    }
    if (issuedAt < 0) {
      throw new IllegalArgumentException("issuedAt must be >= 0, was " + issuedAt);
    }
    if (expiresAt != null && expiresAt <= issuedAt) {
      throw new IllegalArgumentException("expiresAt must be after issuedAt (" + issuedAt + "), was " + expiresAt);
    }
  }

  public boolean isPermanent() {
    return expiresAt == null;
  }

  /** True iff this notice still applies at {@code nowMillis}. */
  public boolean isActiveAt(long nowMillis) {
    return expiresAt == null || nowMillis < expiresAt;
  }

  /** True for a quota notice (a caller on an interface), false for an address notice. */
  public boolean isQuota() {
    return quota != null;
  }

  /** The Kafka key of this notice (and of its release). */
  public String key() {
    return quota == null ? KafkaKeys.notice(app, target) : KafkaKeys.quotaNotice(app, quota.caller(), quota.iface());
  }

  /** What it applies to, for people: the block, or {@code caller on iface}. */
  public String describeTarget() {
    return quota == null ? target.toCompactString() : quota.caller() + " on " + quota.iface();
  }
}
