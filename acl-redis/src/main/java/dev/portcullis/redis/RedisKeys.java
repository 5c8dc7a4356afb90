package dev.portcullis.redis;

import static dev.portcullis.keys.StableHash.mix;

import dev.portcullis.address.IpAddress;
import dev.portcullis.keys.Identifiers;
import java.time.LocalDate;

/**
 * The Redis key space, sharded so that no key or slot runs hot.
 *
 * <p>Design note. Every key carries the hash tag {@code {<app>:<shard>}}, where {@code <shard>} is a
 * stable hash of the IP modulo the shard count. All windows of one shard of one app therefore live
 * in one cluster slot (one pipeline per node can write them), while the shards of a busy app spread
 * over {@code shards} slots and so over every master. A window key holds a ZSET of
 * member → absolute count; writers ZADD absolute values, never increments, so a replay is harmless.
 *
 * <pre>
 * pc:{app:shard}:s:&lt;windowStartSec&gt;   ZSET ip     → requests in that 1 s window  (TTL 2 min)
 * pc:{app:shard}:m:&lt;windowStartMin&gt;   ZSET ip     → requests in that 1 min window (TTL 2 h; once past, top 100 kept)
 * pc:{app:shard}:ps:&lt;windowStartSec&gt;  ZSET prefix → requests of the prefix in 1 s
 * pc:{app:shard}:pm:&lt;windowStartMin&gt;  ZSET prefix → requests of the prefix in 1 min
 * pc:{app:shard}:q:&lt;yyyymmdd&gt;         ZSET caller|iface → requests that day
 * pc:{app:shard}:qh:&lt;yyyymmdd&gt;        ZSET caller|iface|HH → requests in that hour of that day (local, since midnight)
 * pc:{app:shard}:h                      HASH target → offender history
 * pc:{app:t}:ts:&lt;windowStartSec&gt;       ZSET task   → requests of the whole app counted by one worker task
 * pc:{app:t}:tm:&lt;windowStartMin&gt;       ZSET task   → the same per minute
 * pc:{app:t}:ns:&lt;windowStartSec&gt;       ZSET task|node → requests of one reporting node counted by one worker task
 * pc:{app:t}:nm:&lt;windowStartMin&gt;       ZSET task|node → the same per minute
 * pc:{app:t}:ws:&lt;windowStartSec&gt;       ZSET prefix|task → one worker task's requests of a wide prefix (wider than
 *                                        the partitioning block: /16, /48, /56) in 1 s, for the scanner to sum
 *                                        before the prefix's own window has them (TTL 2 min, top 10,000 kept)
 * </pre>
 *
 * The app totals live in one key per app and window, written once per flush by each task (never per
 * request), so they stay cool; their sum over members is the app's request rate.
 */
public final class RedisKeys {

  public static final int DEFAULT_SHARDS = 64;

  /**
   * The members a past minute's address or prefix key keeps ({@code :m:}, {@code :pm:}): once a minute is
   * neither counted nor judged any more (two minutes after it began), the aggregators trim its keys to
   * their highest {@value} members, so the 2 h of minute history cost 6,400 members per app, minute and
   * kind with 64 shards, not every address an attacker used. The history views ask for at most this many.
   */
  public static final int PAST_MINUTE_MEMBERS = 100;

  private final int shards;

  public RedisKeys(int shards) {
    if (shards < 1 || shards > 16384) {
      throw new IllegalArgumentException("shards must be between 1 and 16384, was " + shards);
    }
    this.shards = shards;
  }

  public RedisKeys() {
    this(DEFAULT_SHARDS);
  }

  public int shards() {
    return shards;
  }

  /** The shard of an address: a 64-bit mix of its bits, modulo the shard count. Stable across JVMs. */
  public int shard(IpAddress ip) {
    long h = mix(ip.high() * 0x9E3779B97F4A7C15L ^ ip.low() ^ (ip.isV4() ? 0 : 0x5bd1e995L));
    return (int) Long.remainderUnsigned(h, shards);
  }

  /** The shard of an arbitrary member (a quota's caller|iface, a prefix text). */
  public int shard(String member) {
    long h = 1125899906842597L;
    for (int i = 0; i < member.length(); i++) {
      h = 31 * h + member.charAt(i);
    }
    return (int) Long.remainderUnsigned(mix(h), shards);
  }

  /** The hash tag of one shard of one app: {@code {app:shard}}. */
  public String tag(String app, int shard) {
    Identifiers.requireApp("app", app);
    if (shard < 0 || shard >= shards) {
      throw new IllegalArgumentException("shard must be between 0 and " + (shards - 1) + ", was " + shard);
    }
    return "{" + app + ":" + shard + "}";
  }

  public String secondWindow(String app, int shard, long windowStartSec) {
    return "pc:" + tag(app, shard) + ":s:" + windowStartSec;
  }

  public String minuteWindow(String app, int shard, long windowStartMin) {
    return "pc:" + tag(app, shard) + ":m:" + windowStartMin;
  }

  public String prefixSecondWindow(String app, int shard, long windowStartSec) {
    return "pc:" + tag(app, shard) + ":ps:" + windowStartSec;
  }

  public String prefixMinuteWindow(String app, int shard, long windowStartMin) {
    return "pc:" + tag(app, shard) + ":pm:" + windowStartMin;
  }

  /** Requests of the whole app in one second, one member per worker task. */
  public String totalSecondWindow(String app, long windowStartSec) {
    return "pc:{" + Identifiers.requireApp("app", app) + ":t}:ts:" + windowStartSec;
  }

  public String totalMinuteWindow(String app, long windowStartMin) {
    return "pc:{" + Identifiers.requireApp("app", app) + ":t}:tm:" + windowStartMin;
  }

  /**
   * One second's shares of the app's wide prefixes (wider than the partitioning block), one member
   * {@code prefix|task} per prefix and worker task: their sum is the prefix's second, a flush after its
   * requests, where the prefix's own window ({@link #prefixSecondWindow}) has them an aggregator commit later.
   */
  public String prefixShareSecondWindow(String app, long windowStartSec) {
    return "pc:{" + Identifiers.requireApp("app", app) + ":t}:ws:" + windowStartSec;
  }

  /** Requests of each node of the app in one second, one member {@code task|node} per worker task and node. */
  public String nodeSecondWindow(String app, long windowStartSec) {
    return "pc:{" + Identifiers.requireApp("app", app) + ":t}:ns:" + windowStartSec;
  }

  public String nodeMinuteWindow(String app, long windowStartMin) {
    return "pc:{" + Identifiers.requireApp("app", app) + ":t}:nm:" + windowStartMin;
  }

  /** A calendar day as the yyyymmdd number that quota keys use. */
  public static int yyyymmdd(LocalDate day) {
    return day.getYear() * 10_000 + day.getMonthValue() * 100 + day.getDayOfMonth();
  }

  /** Quota counters per hour of one day: members {@code caller|iface|HH}; {@code day} as yyyymmdd in the quota zone. */
  public String quotaHours(String app, int shard, int day) {
    if (day < 19700101 || day > 99991231) {
      throw new IllegalArgumentException("day must be yyyymmdd, was " + day);
    }
    return "pc:" + tag(app, shard) + ":qh:" + day;
  }

  /** Daily quota counters; {@code day} as yyyymmdd in the quota zone. */
  public String quotaDay(String app, int shard, int day) {
    if (day < 19700101 || day > 99991231) {
      throw new IllegalArgumentException("day must be yyyymmdd, was " + day);
    }
    return "pc:" + tag(app, shard) + ":q:" + day;
  }

  /** Released quota notices of an app: a hash, field {@code caller|iface}, value epoch ms until which it holds. */
  public String quotaReleases(String app) {
    return "pc:{" + Identifiers.requireApp("app", app) + ":r}:qr";
  }

  public String offenderHistory(String app, int shard) {
    return "pc:" + tag(app, shard) + ":h";
  }

  /** The member of a quota ZSET for one caller on one interface. */
  public static String quotaMember(String caller, String iface) {
    return Identifiers.requireLabel("caller", caller) + "|" + Identifiers.requireLabel("iface", iface);
  }

  /** A quota member's two parts. */
  public record QuotaMember(String caller, String iface) {}

  /**
   * The parts of a member {@link #quotaMember} built, or null if {@code member} is not one (written
   * by something else): readers skip such members rather than fail a scan.
   */
  public static QuotaMember parseQuotaMember(String member) {
    int bar = member == null ? -1 : member.indexOf('|');
    if (bar <= 0) {
      return null;
    }
    String caller = member.substring(0, bar);
    String iface = member.substring(bar + 1);
    return Identifiers.isLabel(caller) && Identifiers.isLabel(iface) ? new QuotaMember(caller, iface) : null;
  }
}
