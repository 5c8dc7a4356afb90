package dev.portcullis.notifier.scan;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.LimitEntry;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.PrefixLimit;
import dev.portcullis.config.Quota;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.redis.RedisKeys;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One scan of one app: compares the current and the last complete 1 s and 1 min windows (and, in
 * {@link #scanLate}, older 1 s windows an aggregator behind its input wrote late) with the
 * effective limits (app+IP/CIDR limit → app default → global default) and returns the breaches.
 * It asks Redis only for members above the lowest limit that can apply, then checks each against
 * its own effective limit. Prefix windows (every length the aggregators count) are compared with
 * the prefix limit of their length (app policy → global policy → for /24 and /64 the notifier's own
 * prefix limits), and the daily totals per (caller, iface) with the app's quotas ({@link #scanQuotas}).
 */
public final class RuleScanner {

  private final WindowReader reader;
  private final Long prefixPerSecond;
  private final Long prefixPerMinute;
  private final int prefixLookback;
  private final int lateLookback;

  /**
   * @param prefixPerSecond limit for a whole /24 or /64 per second where no policy sets one for that
   *                        length, or null for none
   */
  public RuleScanner(WindowReader reader, Long prefixPerSecond, Long prefixPerMinute) {
    this(reader, prefixPerSecond, prefixPerMinute, DEFAULT_PREFIX_LOOKBACK);
  }

  /**
   * @param prefixLookbackSeconds how many completed seconds of the prefix windows to judge besides the
   *                              current one: wide prefixes' seconds complete one aggregator commit later
   */
  public RuleScanner(WindowReader reader, Long prefixPerSecond, Long prefixPerMinute, int prefixLookbackSeconds) {
    this(reader, prefixPerSecond, prefixPerMinute, prefixLookbackSeconds, DEFAULT_LATE_LOOKBACK);
  }

  /**
   * @param lateLookbackSeconds how many seconds back {@link #scanLate} judges the 1 s windows (0: never)
   */
  public RuleScanner(WindowReader reader, Long prefixPerSecond, Long prefixPerMinute, int prefixLookbackSeconds,
      int lateLookbackSeconds) {
    if (prefixLookbackSeconds < 1) {
      throw new IllegalArgumentException("prefixLookbackSeconds must be >= 1, was " + prefixLookbackSeconds);
    }
    if (lateLookbackSeconds < 0 || lateLookbackSeconds > MAX_LATE_LOOKBACK) {
      throw new IllegalArgumentException("lateLookbackSeconds must be 0 to " + MAX_LATE_LOOKBACK + ", was "
          + lateLookbackSeconds);
    }
    this.reader = reader;
    this.prefixPerSecond = prefixPerSecond;
    this.prefixPerMinute = prefixPerMinute;
    this.prefixLookback = prefixLookbackSeconds;
    this.lateLookback = lateLookbackSeconds;
  }

  /** The aggregators' default commit interval (3 s) and one second. */
  public static final int DEFAULT_PREFIX_LOOKBACK = 4;
  /** Seconds {@link #scanLate} looks back by default. */
  public static final int DEFAULT_LATE_LOOKBACK = 30;
  /**
   * The most: within it the minute {@link #scan} judges (the current one and the one before) hold every
   * second judged late.
   */
  public static final int MAX_LATE_LOOKBACK = 60;

  public List<Breach> scan(String app, ConfigSnapshot config, long nowMillis) {
    List<Breach> out = new ArrayList<>();
    long sec = nowMillis / 1000;
    long min = nowMillis / 60_000;
    Long minSecond = lowest(app, config, true);
    Long minMinute = lowest(app, config, false);
    Long prefixSecond = lowestPrefix(app, config, true);
    Long prefixMinute = lowestPrefix(app, config, false);
    Long wideSecond = lowestWidePerSecond(app, config);
    for (long s : new long[] {sec - 1, sec}) {
      if (minSecond != null) {
        addressBreaches(app, config, WindowReader.Kind.SECOND, s, minSecond, true, out);
      }
    }
    for (long s = sec - prefixLookback; s <= sec && prefixSecond != null; s++) {
      // the last two seconds of wide prefixes are also summed from the worker tasks' shares, which are
      // there a flush after the requests, as an address's are
      Map<String, Long> early = wideSecond != null && s >= sec - 1 ? reader.prefixSharesAbove(app, s, wideSecond) : Map.of();
      prefixBreaches(app, config, WindowReader.Kind.PREFIX_SECOND, s, prefixSecond, true, nowMillis, early, out);
    }
    for (long m : new long[] {min - 1, min}) {
      if (minMinute != null) {
        addressBreaches(app, config, WindowReader.Kind.MINUTE, m, minMinute, false, out);
      }
      if (prefixMinute != null) {
        prefixBreaches(app, config, WindowReader.Kind.PREFIX_MINUTE, m, prefixMinute, false, nowMillis, Map.of(), out);
      }
    }
    return out;
  }

  /**
   * The 1 s windows {@link #scan} no longer judges, back {@code lateLookbackSeconds}: the seconds of
   * aggregators that fell behind (a start, a rebalance, a restarted worker catching up, Redis back after
   * an outage) reach Redis after {@link #scan} moved past them, and a breach in them would otherwise
   * never be judged. Meant to run about once a second (two pipelined reads per app); a breach found
   * here whose window ended before the target's last intercept did is stale to the intercept book.
   */
  public List<Breach> scanLate(String app, ConfigSnapshot config, long nowMillis) {
    if (lateLookback == 0) {
      return List.of();
    }
    List<Breach> out = new ArrayList<>();
    long sec = nowMillis / 1000;
    long from = sec - lateLookback;
    Long minSecond = lowest(app, config, true);
    if (minSecond != null) {
      reader.above(app, WindowReader.Kind.SECOND, from, sec - 2, minSecond)
          .forEach((start, counts) -> addressBreaches(app, config, counts, start, true, out));
    }
    Long prefixSecond = lowestPrefix(app, config, true);
    if (prefixSecond != null) {
      reader.above(app, WindowReader.Kind.PREFIX_SECOND, from, sec - prefixLookback - 1, prefixSecond)
          .forEach((start, counts) -> prefixBreaches(app, config, counts, start, true, nowMillis, Map.of(), out));
    }
    return out;
  }

  private void addressBreaches(String app, ConfigSnapshot config, WindowReader.Kind kind, long start, long threshold,
      boolean second, List<Breach> out) {
    addressBreaches(app, config, reader.above(app, kind, start, threshold), start, second, out);
  }

  private static void addressBreaches(String app, ConfigSnapshot config, List<WindowReader.Count> counts, long start,
      boolean second, List<Breach> out) {
    for (WindowReader.Count c : counts) {
      IpAddress ip = IpAddress.tryParse(c.member());
      if (ip == null) {
        continue;
      }
      ConfigSnapshot.EffectiveLimit limit = config.limitFor(app, ip);
      Long l = second ? limit.perSecond() : limit.perMinute();
      if (l != null && c.count() > l) {
        out.add(new Breach(app, Cidr.of(ip), second ? "1s" : "1m", start, c.count(), l, limit.rule()));
      }
    }
  }

  /**
   * The limit on one whole prefix: the app's or the global policy's prefix limit of its length, else
   * (for the aggregators' finest lengths, /24 and /64) the notifier's own {@code prefixLimitPerSecond}
   * and {@code prefixLimitPerMinute}; null for none.
   */
  private ConfigSnapshot.EffectiveLimit prefixLimit(String app, ConfigSnapshot config, Cidr prefix) {
    boolean v6 = !prefix.network().isV4();
    ConfigSnapshot.EffectiveLimit policy = config.prefixLimitFor(app, v6, prefix.prefix());
    if (policy != null) {
      return policy;
    }
    boolean finest = prefix.prefix() == (v6 ? KafkaKeys.ACCESS_PARTITION_V6_BLOCK : KafkaKeys.ACCESS_PARTITION_V4_BLOCK);
    return finest && (prefixPerSecond != null || prefixPerMinute != null)
        ? new ConfigSnapshot.EffectiveLimit(prefixPerSecond, prefixPerMinute, "prefix") : null;
  }

  /**
   * Prefixes over their limit, less the requests of allowlisted single addresses inside them:
   * allowlisting a busy host (a monitor, a partner's NAT) must not get its neighbours intercepted
   * with its block. (Allowlisted blocks inside a prefix are not subtracted: their members would have
   * to be summed one by one.) {@code early}: wide prefixes' sums of the tasks' shares above the
   * threshold; a prefix is judged by the higher of its window and that sum (neither counts a request
   * twice, and each may not have every request yet).
   */
  private void prefixBreaches(String app, ConfigSnapshot config, WindowReader.Kind kind, long start, long threshold,
      boolean second, long nowMillis, Map<String, Long> early, List<Breach> out) {
    prefixBreaches(app, config, reader.above(app, kind, start, threshold), start, second, nowMillis, early, out);
  }

  private void prefixBreaches(String app, ConfigSnapshot config, List<WindowReader.Count> found, long start,
      boolean second, long nowMillis, Map<String, Long> early, List<Breach> out) {
    WindowReader.Kind addresses = second ? WindowReader.Kind.SECOND : WindowReader.Kind.MINUTE;
    Map<String, Long> counts = new HashMap<>(early);
    for (WindowReader.Count c : found) {
      counts.merge(c.member(), c.count(), Math::max);
    }
    for (Map.Entry<String, Long> c : counts.entrySet()) {
      Cidr prefix;
      try {
        prefix = Cidr.parse(c.getKey());
      } catch (IllegalArgumentException e) {
        continue; // not a block: written by something else
      }
      ConfigSnapshot.EffectiveLimit limit = prefixLimit(app, config, prefix);
      Long l = limit == null ? null : second ? limit.perSecond() : limit.perMinute();
      if (l == null || c.getValue() <= l) {
        continue;
      }
      long count = c.getValue() - allowlisted(app, config, prefix, addresses, start, nowMillis);
      if (count > l) {
        out.add(new Breach(app, prefix, second ? "1s" : "1m", start, count, l, limit.rule()));
      }
    }
  }

  /** The lowest limit on a whole prefix per second (or minute) that can apply in the app, or null. */
  private Long lowestPrefix(String app, ConfigSnapshot config, boolean second) {
    return lowestPolicyLimit(app, config, second, p -> true, second ? prefixPerSecond : prefixPerMinute);
  }

  /**
   * The lowest per-second limit of a policy on prefixes wider than the aggregators' partitioning block
   * (those whose tasks' shares are summed), or null: without one the shares are not read.
   */
  private static Long lowestWidePerSecond(String app, ConfigSnapshot config) {
    return lowestPolicyLimit(app, config, true,
        p -> p.length() < (p.ipv6() ? KafkaKeys.ACCESS_PARTITION_V6_BLOCK : KafkaKeys.ACCESS_PARTITION_V4_BLOCK), null);
  }

  /** The lowest of {@code base} and the global and app policies' prefix limits {@code which} selects, or null. */
  private static Long lowestPolicyLimit(String app, ConfigSnapshot config, boolean second, Predicate<PrefixLimit> which,
      Long base) {
    Long low = base;
    for (List<PrefixLimit> limits : List.of(config.global().prefixLimits(), config.policy(app).prefixLimits())) {
      for (PrefixLimit p : limits) {
        Long l = second ? p.limitPerSecond() : p.limitPerMinute();
        if (l != null && which.test(p) && (low == null || l < low)) {
          low = l;
        }
      }
    }
    return low;
  }

  /** Requests in the window from single addresses inside {@code prefix} that an allow entry in force covers. */
  private long allowlisted(String app, ConfigSnapshot config, Cidr prefix, WindowReader.Kind kind, long start,
      long nowMillis) {
    long sum = 0;
    AppConfig own = config.apps().get(app);
    for (List<ListEntry> entries : List.of(config.globalAllow(), own == null ? List.<ListEntry>of() : own.allow())) {
      for (ListEntry e : entries) {
        Cidr c = e.cidr();
        if (c.prefix() == (c.network().isV4() ? 32 : 128) && prefix.contains(c.network()) && e.isActiveAt(nowMillis)) {
          sum += reader.count(app, kind, start, c.network().toString());
        }
      }
    }
    return sum;
  }

  /**
   * The callers of the app that used more than a daily quota on an interface today (in the quota
   * zone of the global policy, which must be the aggregators' {@code quotaZone}). Each (caller,
   * iface) is judged by the lowest quota that matches it; {@code *} in a quota means each caller /
   * each interface on its own.
   */
  public List<QuotaBreach> scanQuotas(String app, ConfigSnapshot config, long nowMillis) {
    List<Quota> quotas = config.policy(app).quotas();
    if (quotas.isEmpty()) {
      return List.of();
    }
    ZoneId zone = config.global().quotaZone();
    LocalDate today = Instant.ofEpochMilli(nowMillis).atZone(zone).toLocalDate();
    int yyyymmdd = RedisKeys.yyyymmdd(today);
    long endOfDay = today.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
    long lowest = Long.MAX_VALUE;
    for (Quota q : quotas) {
      lowest = Math.min(lowest, q.perDay());
    }
    List<QuotaBreach> out = new ArrayList<>();
    for (WindowReader.Count c : reader.above(app, WindowReader.Kind.QUOTA_DAY, yyyymmdd, lowest)) {
      RedisKeys.QuotaMember member = RedisKeys.parseQuotaMember(c.member());
      if (member == null) {
        continue; // not caller|iface: written by something else
      }
      String caller = member.caller();
      String iface = member.iface();
      Quota applies = null;
      for (Quota q : quotas) {
        if (q.matches(caller, iface) && (applies == null || q.perDay() < applies.perDay())) {
          applies = q;
        }
      }
      if (applies != null && c.count() > applies.perDay()) {
        out.add(new QuotaBreach(app, caller, iface, yyyymmdd, endOfDay, c.count(), applies.perDay(),
            "quota " + applies.caller() + " on " + applies.iface()));
      }
    }
    return out;
  }

  /** The lowest per-second (or per-minute) limit that can apply to any address of the app, or null. */
  static Long lowest(String app, ConfigSnapshot config, boolean second) {
    AppPolicy p = config.policy(app);
    Long base = second ? (p.limitPerSecond() != null ? p.limitPerSecond() : config.global().limitPerSecond())
        : (p.limitPerMinute() != null ? p.limitPerMinute() : config.global().limitPerMinute());
    AppConfig a = config.apps().get(app);
    if (a != null) {
      base = lowest(a.limits(), second, base);
    }
    boolean appDefault = second ? p.limitPerSecond() != null : p.limitPerMinute() != null;
    // the global entries for an address apply only in apps without a default of their own
    return appDefault ? base : lowest(config.globalLimits(), second, base);
  }

  private static Long lowest(List<LimitEntry> entries, boolean second, Long base) {
    for (LimitEntry e : entries) {
      Long l = second ? e.limitPerSecond() : e.limitPerMinute();
      if (l != null && (base == null || l < base)) {
        base = l;
      }
    }
    return base;
  }
}
