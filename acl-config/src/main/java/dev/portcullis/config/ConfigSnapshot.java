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
  private final List<LimitEntry> globalLimits;
  private final long version;
  private volatile Lookups lookups; // built on first lookup: clients compile their own tables and rarely need these

  private record Tables(CidrTable<ListEntry> allow, CidrTable<ListEntry> deny, CidrTable<LimitEntry> limits) {}

  private record Lookups(CidrTable<ListEntry> globalAllow, CidrTable<ListEntry> globalDeny, CidrTable<LimitEntry> globalLimits,
      Map<String, Tables> apps) {}

  /** A configuration without global per-address limits. */
  public ConfigSnapshot(GlobalPolicy global, List<ListEntry> globalAllow, List<ListEntry> globalDeny,
      Map<String, AppConfig> apps, long version) {
    this(global, globalAllow, globalDeny, List.of(), apps, version);
  }

  /** @param globalLimits limits for an address or block in every app (below the app's own, see {@link #limitFor}) */
  public ConfigSnapshot(GlobalPolicy global, List<ListEntry> globalAllow, List<ListEntry> globalDeny,
      List<LimitEntry> globalLimits, Map<String, AppConfig> apps, long version) {
    this.globalLimits = List.copyOf(globalLimits);
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
              AppConfig.table(globalLimits, LimitEntry::cidr), Map.copyOf(t));
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

  /** Limits for an address or block in every app. */
  public List<LimitEntry> globalLimits() {
    return globalLimits;
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

  /**
   * The effective limits for {@code ip} in {@code app}, each of per second and per minute from the first
   * of: the app's entry for the address (longest match), the app's default, the global entry for the
   * address (longest match), the global default. {@code rule} names where the per-second limit (else
   * the per-minute one) came from.
   */
  public EffectiveLimit limitFor(String app, IpAddress ip) {
    Lookups l = lookups();
    Tables t = l.apps().get(app);
    AppPolicy policy = policy(app);
    LimitEntry specific = t == null ? null : t.limits.longestMatch(ip);
    LimitEntry everyApp = l.globalLimits().longestMatch(ip);
    Long[] perSecond = {specific == null ? null : specific.limitPerSecond(), policy.limitPerSecond(),
        everyApp == null ? null : everyApp.limitPerSecond(), global.limitPerSecond()};
    Long[] perMinute = {specific == null ? null : specific.limitPerMinute(), policy.limitPerMinute(),
        everyApp == null ? null : everyApp.limitPerMinute(), global.limitPerMinute()};
    int from = first(perSecond) < 4 ? first(perSecond) : first(perMinute);
    String[] rules = {app + " " + (specific == null ? "" : specific.cidr()), app + " default",
        "global " + (everyApp == null ? "" : everyApp.cidr()), "global default"};
    return new EffectiveLimit(at(perSecond), at(perMinute), rules[Math.min(from, 3)]);
  }

  /**
   * The limits on one whole prefix of {@code app} of one family and length: the app policy's prefix
   * limit of that length, else the global policy's; null if neither names it.
   */
  public EffectiveLimit prefixLimitFor(String app, boolean ipv6, int length) {
    PrefixLimit own = PrefixLimit.find(policy(app).prefixLimits(), ipv6, length);
    PrefixLimit p = own != null ? own : PrefixLimit.find(global.prefixLimits(), ipv6, length);
    return p == null ? null
        : new EffectiveLimit(p.limitPerSecond(), p.limitPerMinute(), (own != null ? app : "global") + " prefix " + p.name());
  }

  private static int first(Long[] values) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        return i;
      }
    }
    return values.length;
  }

  private static Long at(Long[] values) {
    int i = first(values);
    return i < values.length ? values[i] : null;
  }

  /** The limits that apply to one address, and the rule they came from (for evidence). */
  public record EffectiveLimit(Long perSecond, Long perMinute, String rule) {}
}
