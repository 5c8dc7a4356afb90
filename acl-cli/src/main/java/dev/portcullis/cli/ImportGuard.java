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

/**
 * The blast-radius guard over a whole imported tree: which entries are too wide, how many addresses the
 * import's entries cover together (an import of many narrow entries can refuse a network too), and the
 * tree with them forced.
 */
final class ImportGuard {

  /** The most addresses the entries of one import may cover together without --force: a /8 (IPv4). */
  static final long MAX_ADDRESSES = 1L << 24;

  private ImportGuard() {}

  /**
   * Why the entries the import adds (those not listed in {@code current} in the same scope and list)
   * together cover too many addresses, or null: the IPv4 addresses of every entry, and IPv6 /64s counted
   * as one address each (an IPv6 host is one of 2^64 in its /64). Re-importing an export adds nothing.
   */
  static String tooManyAddresses(ConfigSnapshot tree, ConfigSnapshot current) {
    long total = 0;
    List<List<ListEntry>> lists = new ArrayList<>(List.of(added(tree.globalAllow(), current.globalAllow()),
        added(tree.globalDeny(), current.globalDeny())));
    for (AppConfig a : tree.apps().values()) {
      AppConfig now = current.apps().get(a.app());
      lists.add(added(a.allow(), now == null ? List.of() : now.allow()));
      lists.add(added(a.deny(), now == null ? List.of() : now.deny()));
    }
    for (List<ListEntry> entries : lists) {
      for (ListEntry e : entries) {
        int hostBits = e.cidr().network().isV4() ? 32 - e.cidr().prefix() : Math.max(0, 64 - e.cidr().prefix());
        total += 1L << Math.min(hostBits, 40);
        if (total > MAX_ADDRESSES) {
          return "cover more than " + String.format("%,d", MAX_ADDRESSES) + " addresses together";
        }
      }
    }
    return null;
  }

  private static List<ListEntry> added(List<ListEntry> imported, List<ListEntry> present) {
    java.util.Set<dev.portcullis.address.Cidr> there = new java.util.HashSet<>();
    present.forEach(e -> there.add(e.cidr()));
    return imported.stream().filter(e -> !there.contains(e.cidr())).toList();
  }

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
