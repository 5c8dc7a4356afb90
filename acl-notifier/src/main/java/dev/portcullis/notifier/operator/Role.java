package dev.portcullis.notifier.operator;

import java.util.Locale;

/** What an operator may do, each role including the ones before it. */
public enum Role {
  /** Reads: traffic, intercepts, lists, policies, audit. */
  VIEWER,
  /** Intercepts and releases, list entries, per-address limits. */
  OPERATOR,
  /** Policies, imports, and changes that only a forced, audited change may make. */
  ADMIN;

  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }

  /** {@code viewer}, {@code operator} or {@code admin}. */
  public static Role parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("role must be viewer, operator or admin, was \"" + s + "\"");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
