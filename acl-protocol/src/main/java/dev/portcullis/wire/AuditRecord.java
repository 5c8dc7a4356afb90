package dev.portcullis.wire;

import dev.portcullis.address.Cidr;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.keys.KafkaKeys;
import java.util.Map;
import java.util.TreeMap;

/**
 * One decision made by the system or an operator, written to topic {@code acl.audit}.
 *
 * @param actor       who decided: {@code notifier} for the scanner, else the operator's name
 * @param app         the app, or {@code *}
 * @param target      the address block concerned; {@code null} for policy changes
 * @param ruleVersion the config version the decision was made under (ZooKeeper mzxid), or -1
 * @param evidence    free-form string facts (window, count, limit, rule); never null
 */
public record AuditRecord(
    String id, long at, String actor, Kind kind, String app, Cidr target, int level, String reason,
    long ruleVersion, Map<String, String> evidence) {

  public static final int VERSION = 1;

  /** What happened. */
  public enum Kind {
    INTERCEPT_ISSUED,
    INTERCEPT_RELEASED,
    INTERCEPT_SHADOWED,
    INTERCEPT_REFUSED,
    LIST_ADDED,
    LIST_REMOVED,
    LIST_EXPIRED,
    POLICY_CHANGED
  }

  public AuditRecord {
    if (id == null || id.isEmpty() || id.length() > 64) {
      throw new IllegalArgumentException("id must be 1-64 characters, was " + id);
    }
    if (at < 0) {
      throw new IllegalArgumentException("at must be >= 0, was " + at);
    }
    Identifiers.requireLabel("actor", actor);
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    if (!KafkaKeys.ALL_APPS.equals(app)) {
      Identifiers.requireApp("app", app);
    }
    if (level < 0) {
      throw new IllegalArgumentException("level must be >= 0, was " + level);
    }
    if (reason == null || reason.length() > 500) {
      throw new IllegalArgumentException("reason must be 0-500 characters");
    }
    evidence = evidence == null ? Map.of() : Map.copyOf(new TreeMap<>(evidence));
  }
}
