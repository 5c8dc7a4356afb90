package dev.portcullis.config.watch;

import dev.portcullis.config.AppConfig;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ListEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fail-safe on vanished rules: a tree read from ZooKeeper that has lost its root (deleted, or a
 * service pointed at the wrong root), or that removes more than half of the entries in force at once
 * (at least 10), is more likely a mistake than a change. It is reported, not enforced, and does not
 * overwrite the snapshot file, until an operator confirms it by writing the new tree's size to
 * {@code <root>/confirm} (for a deleted root: recreate it and confirm 0).
 */
final class ShrinkGuard {

  static final String CONFIRM = "confirm";
  private static final double MAX_REMOVED_SHARE = 0.5;
  private static final int MIN_REMOVED = 10;

  private ShrinkGuard() {}

  /**
   * Rules of a snapshot in force at {@code nowMillis}: list entries not expired, limits, and one per
   * app with a policy of its own. (Expired entries do not count: the janitor removing many at once is
   * not a mass removal.)
   */
  static int size(ConfigSnapshot s, long nowMillis) {
    int n = active(s.globalAllow(), nowMillis) + active(s.globalDeny(), nowMillis) + s.globalLimits().size();
    for (AppConfig a : s.apps().values()) {
      n += 1 + active(a.allow(), nowMillis) + active(a.deny(), nowMillis) + a.limits().size();
    }
    return n;
  }

  private static int active(List<ListEntry> entries, long nowMillis) {
    int n = 0;
    for (ListEntry e : entries) {
      n += e.isActiveAt(nowMillis) ? 1 : 0;
    }
    return n;
  }

  /**
   * Why {@code next} must not replace the rules in force, or null if it may.
   *
   * @param before the rules in force ({@link #size} of the current snapshot)
   * @param nodes the znodes {@code next} was read from (for the root and the confirmation)
   */
  static String refusal(int before, ConfigSnapshot next, List<ConfigTreeReader.Node> nodes, String root,
      long nowMillis) {
    if (before == 0) {
      return null;
    }
    boolean rootPresent = false;
    boolean globalPolicy = false;
    Long confirmed = null;
    for (ConfigTreeReader.Node n : nodes) {
      if (n.path().equals(root)) {
        rootPresent = true;
      } else if (n.path().equals(root + "/" + CONFIRM)) {
        confirmed = parseCount(n.data());
      } else if (n.path().equals(root + "/global/policy")) {
        globalPolicy = true;
      }
    }
    int after = size(next, nowMillis);
    if (confirmed != null && confirmed == after) {
      return null;
    }
    if (!rootPresent) {
      return "the rules root " + root + " does not exist (deleted, or the wrong root); the " + before
          + " rules in force stay until it is recreated with a " + root + "/" + CONFIRM + " of the new tree's size";
    }
    if (after == 0 && !globalPolicy) {
      // a deleted tree that something recreated empty (a service's registration recreates its parents)
      return "the rules tree under " + root + " holds no rules and no global policy any more (deleted?); the " + before
          + " rules in force stay until " + root + "/" + CONFIRM + " holds 0";
    }
    int removed = before - after;
    if (removed >= MIN_REMOVED && removed > before * MAX_REMOVED_SHARE) {
      return "the tree now removes " + removed + " of " + before + " rules at once; they stay in force until "
          + root + "/" + CONFIRM + " holds the new tree's size, " + after;
    }
    return null;
  }

  private static Long parseCount(byte[] data) {
    try {
      return data == null ? null : Long.parseLong(new String(data, StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
