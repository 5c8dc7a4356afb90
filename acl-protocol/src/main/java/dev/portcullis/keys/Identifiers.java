package dev.portcullis.keys;

import java.util.regex.Pattern;

/**
 * The shapes of the names that become parts of Kafka keys, ZooKeeper paths and Redis keys. They
 * exclude the separators those keys use ({@code |}, {@code /}, {@code :} in apps, braces), so that
 * a key can always be split back into its parts.
 */
public final class Identifiers {

  /** An application name: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit. */
  public static final Pattern APP = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  public static final String APP_RULE = "1-63 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit";

  /** A node id, such as {@code shop-1:8080}. */
  public static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:\\[\\]-]{0,127}");
  public static final String NODE_RULE = "1-128 characters of letters, digits, '.', '_', ':', '-', '[', ']'";

  /** A caller (platform id, API key id) or an interface name: printable, no '|'. */
  public static final Pattern LABEL = Pattern.compile("[^|\\p{Cntrl}]{1,200}");
  public static final String LABEL_RULE = "1-200 printable characters without '|'";

  private Identifiers() {}

  /** True iff {@code s} matches {@link #APP}; a hand-written check, since it runs for every record. */
  public static boolean isApp(String s) {
    if (s == null || s.isEmpty() || s.length() > 63) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '.' || c == '_' || c == '-'));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** True iff {@code s} matches {@link #NODE}. */
  public static boolean isNode(String s) {
    if (s == null || s.isEmpty() || s.length() > 128) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '.' && c != '_' && c != ':' && c != '-' && c != '[' && c != ']'))) {
        return false;
      }
    }
    return true;
  }

  /** True iff {@code s} matches {@link #LABEL}: 1-200 characters, no '|', no control character. */
  public static boolean isLabel(String s) {
    if (s == null || s.isEmpty() || s.length() > 200) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '|' || c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** Checks an app name, throwing a message that names the field, the value and the rule. */
  public static String requireApp(String field, String app) {
    if (!isApp(app)) {
      throw new IllegalArgumentException(field + " must be " + APP_RULE + ", was " + quote(app));
    }
    return app;
  }

  public static String requireNode(String field, String node) {
    if (!isNode(node)) {
      throw new IllegalArgumentException(field + " must be " + NODE_RULE + ", was " + quote(node));
    }
    return node;
  }

  public static String requireLabel(String field, String label) {
    if (!isLabel(label)) {
      throw new IllegalArgumentException(field + " must be " + LABEL_RULE + ", was " + quote(label));
    }
    return label;
  }

  static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
