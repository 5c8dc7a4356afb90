package dev.portcullis.cli;

import dev.portcullis.config.AppConfig;
import dev.portcullis.config.BlastRadius;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.ListKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The blast-radius guard over a whole imported tree: which entries are too wide, and the tree with them forced. */
final class ImportGuard {

  private ImportGuard() {}

  /** The entries wider than the guard allows that carry no {@code forced} reason, e.g. {@code global deny 0.0.0.0/0}. */
  static List<String> unforcedWide(ConfigSnapshot tree) {
    List<String> out = new ArrayList<>();
    collect("global", ListKind.ALLOW, tree.globalAllow(), out);
    collect("global", ListKind.DENY, tree.globalDeny(), out);
    for (AppConfig a : tree.apps().values()) {
      collect(a.app(), ListKind.ALLOW, a.allow(), out);
      collect(a.app(), ListKind.DENY, a.deny(), out);
    }
    return out;
  }

  private static void collect(String scope, ListKind kind, List<ListEntry> entries, List<String> out) {
    for (ListEntry e : entries) {
      if (e.forced() == null && BlastRadius.DEFAULT.listRefusal(kind, e.cidr()) != null) {
        out.add(scope + " " + kind.node() + " " + e.cidr());
      }
    }
  }

  /** The tree with every too-wide entry that lacks a reason marked as forced for {@code why}. */
  static ConfigSnapshot forced(ConfigSnapshot tree, String why) {
    Map<String, AppConfig> apps = new LinkedHashMap<>();
    for (AppConfig a : tree.apps().values()) {
      apps.put(a.app(), new AppConfig(a.app(), a.policy(), a.limits(), force(ListKind.ALLOW, a.allow(), why),
          force(ListKind.DENY, a.deny(), why)));
    }
    return new ConfigSnapshot(tree.global(), force(ListKind.ALLOW, tree.globalAllow(), why),
        force(ListKind.DENY, tree.globalDeny(), why), apps, tree.version());
  }

  private static List<ListEntry> force(ListKind kind, List<ListEntry> entries, String why) {
    List<ListEntry> out = new ArrayList<>();
    for (ListEntry e : entries) {
      boolean wide = e.forced() == null && BlastRadius.DEFAULT.listRefusal(kind, e.cidr()) != null;
      out.add(wide ? new ListEntry(e.cidr(), e.expiresAt(), e.note(), e.by(), e.createdAt(), why) : e);
    }
    return out;
  }
}
