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

  /** Checks an app name, throwing a message that names the field, the value and the rule. */
  public static String requireApp(String field, String app) {
    if (app == null || !APP.matcher(app).matches()) {
      throw new IllegalArgumentException(field + " must be " + APP_RULE + ", was " + quote(app));
    }
    return app;
  }

  public static String requireNode(String field, String node) {
    if (node == null || !NODE.matcher(node).matches()) {
      throw new IllegalArgumentException(field + " must be " + NODE_RULE + ", was " + quote(node));
    }
    return node;
  }

  public static String requireLabel(String field, String label) {
    if (label == null || !LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException(field + " must be " + LABEL_RULE + ", was " + quote(label));
    }
    return label;
  }

  static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
