package dev.portcullis.config;

import dev.portcullis.address.CidrTable;
import dev.portcullis.address.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One immutable, consistent view of the whole configuration. Consumers swap it in whole through
 * one reference; nothing in it changes after construction. Lookups are longest-prefix matches
 * that ignore list entries past their {@code expiresAt}; their tables are built on first use.
 * {@link #version()} is the highest ZooKeeper modification zxid seen when it was built (0 when not
 * from ZooKeeper).
 */
public final class ConfigSnapshot {

  public static final ConfigSnapshot EMPTY = new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(), List.of(), Map.of(), 0);

  private final GlobalPolicy global;
  private final List<ListEntry> globalAllow;
  private final List<ListEntry> globalDeny;
  private final Map<String, AppConfig> apps;
  private final long version;
  private volatile Lookups lookups; // built on first lookup: clients compile their own tables and rarely need these

  private record Tables(CidrTable<ListEntry> allow, CidrTable<ListEntry> deny, CidrTable<LimitEntry> limits) {}

  private record Lookups(CidrTable<ListEntry> globalAllow, CidrTable<ListEntry> globalDeny, Map<String, Tables> apps) {}

  public ConfigSnapshot(GlobalPolicy global, List<ListEntry> globalAllow, List<ListEntry> globalDeny,
      Map<String, AppConfig> apps, long version) {
    this.global = global == null ? GlobalPolicy.DEFAULT : global;
    this.globalAllow = List.copyOf(globalAllow);
    this.globalDeny = List.copyOf(globalDeny);
    this.apps = Map.copyOf(new TreeMap<>(apps));
    this.version = version;
  }

  private Lookups lookups() {
    Lookups l = lookups;
    if (l == null) {
      synchronized (this) {
        l = lookups;
        if (l == null) {
          Map<String, Tables> t = new TreeMap<>();
          for (AppConfig a : apps.values()) {
            t.put(a.app(), new Tables(AppConfig.table(a.allow(), ListEntry::cidr), AppConfig.table(a.deny(), ListEntry::cidr),
                AppConfig.table(a.limits(), LimitEntry::cidr)));
          }
          l = new Lookups(AppConfig.table(globalAllow, ListEntry::cidr), AppConfig.table(globalDeny, ListEntry::cidr),
              Map.copyOf(t));
          lookups = l;
        }
      }
    }
    return l;
  }

  public GlobalPolicy global() {
    return global;
  }

  public List<ListEntry> globalAllow() {
    return globalAllow;
  }

  public List<ListEntry> globalDeny() {
    return globalDeny;
  }

  /** Apps that have anything configured, by name. */
  public Map<String, AppConfig> apps() {
    return apps;
  }

  public long version() {
    return version;
  }

  /** The app's policy, or the default policy if the app has none. */
  public AppPolicy policy(String app) {
    AppConfig a = apps.get(app);
    return a == null ? AppPolicy.DEFAULT : a.policy();
  }

  /** The most specific active allow entry (app before global) containing {@code ip}, or null. */
  public ListEntry allowEntry(String app, IpAddress ip, long nowMillis) {
    return match(app, ip, nowMillis, true);
  }

  /** The most specific active deny entry (app before global) containing {@code ip}, or null. */
  public ListEntry denyEntry(String app, IpAddress ip, long nowMillis) {
    return match(app, ip, nowMillis, false);
  }

  private ListEntry match(String app, IpAddress ip, long now, boolean allow) {
    Lookups l = lookups();
    Tables t = l.apps().get(app);
    if (t != null) {
      ListEntry e = (allow ? t.allow : t.deny).longestMatch(ip, x -> x.isActiveAt(now));
      if (e != null) {
        return e;
      }
    }
    return (allow ? l.globalAllow() : l.globalDeny()).longestMatch(ip, x -> x.isActiveAt(now));
  }

  /** The effective limits for {@code ip} in {@code app}: app+IP entry, then app default, then global default. */
  public EffectiveLimit limitFor(String app, IpAddress ip) {
    Tables t = lookups().apps().get(app);
    AppPolicy policy = policy(app);
    LimitEntry specific = t == null ? null : t.limits.longestMatch(ip);
    Long perSecond = firstNonNull(specific == null ? null : specific.limitPerSecond(), policy.limitPerSecond(),
        global.limitPerSecond());
    Long perMinute = firstNonNull(specific == null ? null : specific.limitPerMinute(), policy.limitPerMinute(),
        global.limitPerMinute());
    String rule = specific != null ? app + " " + specific.cidr()
        : (policy.limitPerSecond() != null || policy.limitPerMinute() != null) ? app + " default" : "global default";
    return new EffectiveLimit(perSecond, perMinute, rule);
  }

  private static Long firstNonNull(Long a, Long b, Long c) {
    return a != null ? a : b != null ? b : c;
  }

  /** The limits that apply to one address, and the rule they came from (for evidence). */
  public record EffectiveLimit(Long perSecond, Long perMinute, String rule) {}
}
