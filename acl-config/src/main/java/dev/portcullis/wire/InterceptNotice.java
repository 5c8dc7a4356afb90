package dev.portcullis.wire;

import dev.portcullis.address.Cidr;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.keys.KafkaKeys;

/**
 * An intercept broadcast on the compacted topic {@code acl.notices}, key {@code <app>|<target>}.
 * A release is a tombstone for the same key. Clients drop a notice at {@code expiresAt} by
 * themselves.
 *
 * @param app       the app it applies to, or {@code *} for every app
 * @param level     the rung of the escalation ladder (1 = first offence); 0 for a manual intercept
 * @param expiresAt epoch ms at which it stops applying; {@code null} for permanent
 */
public record InterceptNotice(
    String id, String app, Cidr target, Action action, int level, String reason, long issuedAt, Long expiresAt) {

  public static final int VERSION = 1;

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
    if (target == null) {
      throw new IllegalArgumentException("target must not be null");
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

  /** The Kafka key of this notice (and of its release). */
  public String key() {
    return KafkaKeys.notice(app, target);
  }
}
