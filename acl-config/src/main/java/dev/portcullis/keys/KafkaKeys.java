package dev.portcullis.keys;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;

/**
 * The Kafka record keys and topic names. {@code acl.access} is keyed {@code <app>|<ip>} so that one
 * IP of one app always lands on one partition; {@code acl.notices} is keyed {@code <app>|<target>}
 * so that a re-issue replaces the old notice under compaction and a tombstone releases it.
 */
public final class KafkaKeys {

  public static final String ACCESS_TOPIC = "acl.access";
  public static final String ACCESS_DLQ_TOPIC = "acl.access.dlq";
  public static final String NOTICES_TOPIC = "acl.notices";
  public static final String AUDIT_TOPIC = "acl.audit";

  /** The app of a notice that applies to every app. */
  public static final String ALL_APPS = "*";

  private static final char SEP = '|';

  private KafkaKeys() {}

  /** Key of an access event: {@code <app>|<ip>}. */
  public static String access(String app, IpAddress ip) {
    Identifiers.requireApp("app", app);
    return app + SEP + ip;
  }

  /** Key of an intercept notice: {@code <app>|<target>}, target compact (bare IP for a single address). */
  public static String notice(String app, Cidr target) {
    if (!ALL_APPS.equals(app)) {
      Identifiers.requireApp("app", app);
    }
    return app + SEP + target.toCompactString();
  }

  /** Prefix of the rest of a quota notice's key. */
  public static final String QUOTA_PREFIX = "quota:";

  /** Key of a quota notice: {@code <app>|quota:<caller>|<iface>} (labels never contain '|'). */
  public static String quotaNotice(String app, String caller, String iface) {
    return Identifiers.requireApp("app", app) + SEP + QUOTA_PREFIX + Identifiers.requireLabel("caller", caller) + SEP
        + Identifiers.requireLabel("iface", iface);
  }

  /** The two parts of a key. */
  public record Parts(String app, String rest) {}

  /**
   * Splits a notice key: {@code <app>|<target>}, or {@code <app>|quota:<caller>|<iface>} for a quota
   * notice ({@code rest} is then {@code quota:<caller>|<iface>}).
   *
   * @throws IllegalArgumentException if the key has neither shape
   */
  public static Parts splitNotice(String key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    int bar = key.indexOf(SEP);
    String rest = bar < 0 ? "" : key.substring(bar + 1);
    boolean ok;
    if (rest.startsWith(QUOTA_PREFIX)) {
      int second = rest.indexOf(SEP);
      ok = second > QUOTA_PREFIX.length() && second < rest.length() - 1 && rest.indexOf(SEP, second + 1) < 0;
    } else {
      ok = !rest.isEmpty() && rest.indexOf(SEP) < 0;
    }
    if (bar <= 0 || !ok) {
      throw new IllegalArgumentException("key \"" + key + "\" must be <app>|<target> or <app>|quota:<caller>|<iface>");
    }
    return new Parts(key.substring(0, bar), rest);
  }
}
