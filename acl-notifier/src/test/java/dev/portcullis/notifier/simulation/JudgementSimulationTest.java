package dev.portcullis.notifier.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.Ladder;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.notifier.fixtures.FakeClock;
import dev.portcullis.notifier.fixtures.InMemoryWindows;
import dev.portcullis.notifier.fixtures.MapHistory;
import dev.portcullis.notifier.fixtures.MapReleases;
import dev.portcullis.notifier.fixtures.RecordingSink;
import dev.portcullis.notifier.intercept.InterceptBook;
import dev.portcullis.notifier.intercept.SafetyValve;
import dev.portcullis.config.Quota;
import dev.portcullis.notifier.scan.Breach;
import dev.portcullis.notifier.scan.QuotaBreach;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.notifier.scan.RuleScanner;
import dev.portcullis.notifier.scan.WindowReader.Kind;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.InterceptNotice;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The judging loop simulated deterministically: the real {@link RuleScanner}, escalation, {@link InterceptBook}
 * and {@link SafetyValve} over in-memory windows fed from generated traffic, on a fake clock, scanning four
 * times a second. Each of {@link #SCENARIOS} seeds generates a scenario: benign users at up to 90 % of the
 * per-address limit (each in its own /24), bursts exactly at the limit, offenders at 1.1x-1000x, addresses
 * rotating inside one /24 or one IPv6 /64 (each under the limit, together over the prefix limit), an IPv6
 * offender, an allowlisted heavy user
 * sharing a benign user's /24, shadow mode, and a second phase after the first intercepts lapsed where some
 * offenders offend again. Properties, checked on every scenario:
 * <ol>
 *   <li>an address never over its limit is never the target of a notice; a prefix is a target only if its
 *       traffic less its allowlisted addresses' was over the prefix limit;
 *   <li>no notice targets an allowlisted address, or covers one with an address notice;
 *   <li>an address over its limit in a second is intercepted (by itself or its prefix) by the end of that second;
 *   <li>in shadow mode nothing is published;
 *   <li>no notice is published twice for the same target and level, and levels climb the ladder by one;
 *   <li>every issued intercept's audit record carries its evidence (count and limit);
 *   <li>one leader issues at most the valve's cap of new intercepts in any minute; nothing is issued again
 *       while its notice is in force, across a leader change too (the new leader loads the intercepts in
 *       force and shares the offender history), and reoffenders still climb to level 2.
 * </ol>
 * A failing scenario names its seed; {@code -Dsimulation.seed=N} runs that one alone.
 */
class JudgementSimulationTest {

  static final int SCENARIOS = 2_000;
  private static final String APP = "shop";
  private static final String IFACE = "GET /export";

  /** One generated scenario and everything it observed. */
  private static final class Scenario {
    final long seed;
    final Random rnd;
    final long limit;
    final long prefixLimit;
    final Long minuteLimit; // null: no per-minute limit
    final long quota; // per caller a day on GET /export; 0: no quota
    final Map<String, Long> usage = new LinkedHashMap<>(); // caller -> requests today, at the start of the scenario
    final Map<IpAddress, Long> minuteCounts = new HashMap<>(); // this minute's requests so far, per address
    long countedMinute = -1;
    final boolean shadow;
    final int valveMax;
    final boolean failover;
    final Map<IpAddress, long[]> rates = new LinkedHashMap<>(); // requests per second, per phase second
    final Set<IpAddress> allowlisted = new HashSet<>();
    final Set<IpAddress> reoffenders = new HashSet<>();
    final Map<String, Long> overAddress = new HashMap<>(); // "ip" -> first second over the limit
    final Map<String, Long> overPrefix = new HashMap<>();
    final StringBuilder story = new StringBuilder();

    Scenario(long seed) {
      this.seed = seed;
      this.rnd = new Random(seed);
      this.limit = 10 + rnd.nextInt(190);
      this.prefixLimit = limit * (3 + rnd.nextInt(8));
      this.minuteLimit = rnd.nextBoolean() ? null : limit * (1 + rnd.nextInt(6));
      this.quota = rnd.nextBoolean() ? 0 : 50 + rnd.nextInt(500);
      this.shadow = rnd.nextInt(10) == 0;
      this.valveMax = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 10_000;
      this.failover = rnd.nextBoolean();
      story.append("seed ").append(seed).append(": limit ").append(limit).append("/s, prefix ").append(prefixLimit)
          .append("/s").append(minuteLimit == null ? "" : ", " + minuteLimit + "/min")
          .append(quota == 0 ? "" : ", quota " + quota + "/day").append(shadow ? ", shadow" : "").append(valveMax < 10_000 ? ", valve " + valveMax + "/min" : "")
          .append(failover ? ", leader change before the second phase" : "");
    }
  }

  private static final int SECONDS = 4;

  private static Scenario generate(long seed) {
    Scenario s = new Scenario(seed);
    Random r = s.rnd;
    int benign = 3 + r.nextInt(10);
    for (int i = 0; i < benign; i++) {
      long[] perSecond = new long[SECONDS];
      boolean burst = r.nextInt(5) == 0;
      for (int t = 0; t < SECONDS; t++) {
        perSecond[t] = burst ? s.limit : r.nextInt((int) (s.limit * 9 / 10) + 1);
      }
      s.rates.put(IpAddress.ofV4(0x0A000000 | (i + 1) << 8 | 7), perSecond); // 10.0.<i+1>.7, one /24 each
    }
    int offenders = r.nextInt(3);
    for (int i = 0; i < offenders; i++) {
      double factor = Math.exp(Math.log(1.1) + r.nextDouble() * (Math.log(1000) - Math.log(1.1)));
      long rate = Math.max(s.limit + 1, (long) Math.ceil(s.limit * factor));
      long[] perSecond = new long[SECONDS];
      java.util.Arrays.fill(perSecond, rate);
      IpAddress ip = IpAddress.ofV4(0xC6336400 | (i + 1) << 8 | 66); // 198.51.<100+i+1>.66
      s.rates.put(ip, perSecond);
      if (r.nextBoolean()) {
        s.reoffenders.add(ip);
      }
      s.story.append(", offender ").append(ip).append(" at ").append(rate).append("/s");
    }
    if (r.nextBoolean()) { // rotating addresses inside 203.0.113.0/24, each under the limit, together over the prefix limit
      int members = (int) (s.prefixLimit / s.limit) + 2 + r.nextInt(20);
      for (int i = 0; i < members; i++) {
        long[] perSecond = new long[SECONDS];
        java.util.Arrays.fill(perSecond, s.limit);
        s.rates.put(IpAddress.ofV4(0xCB007100 | (i + 1)), perSecond);
      }
      s.story.append(", ").append(members).append(" rotating in 203.0.113.0/24");
    }
    if (r.nextInt(3) == 0) { // rotating IPv6 addresses inside 2001:db8:7:1::/64, and an IPv6 offender
      int members = (int) (s.prefixLimit / s.limit) + 2 + r.nextInt(20);
      for (int i = 0; i < members; i++) {
        long[] perSecond = new long[SECONDS];
        java.util.Arrays.fill(perSecond, s.limit);
        s.rates.put(IpAddress.ofV6(0x20010db800070001L, r.nextLong() | 1), perSecond);
      }
      long[] offender = new long[SECONDS];
      java.util.Arrays.fill(offender, s.limit * (2 + r.nextInt(50)));
      IpAddress v6 = IpAddress.ofV6(0x20010db800090002L, 0x66);
      s.rates.put(v6, offender);
      s.story.append(", ").append(members).append(" rotating in 2001:db8:7:1::/64, offender ").append(v6);
    }
    if (s.quota > 0) { // callers of GET /export: some under their daily quota, some over it
      int callers = 1 + r.nextInt(4);
      for (int i = 0; i < callers; i++) {
        long used = r.nextBoolean() ? r.nextInt((int) s.quota + 1) : s.quota + 1 + r.nextInt((int) s.quota * 2);
        s.usage.put("partner-" + i, used);
        s.story.append(", partner-").append(i).append(" used ").append(used);
      }
    }
    if (r.nextBoolean()) { // a heavy allowlisted host in the first benign user's /24
      IpAddress ip = IpAddress.ofV4(0x0A000100 | 200); // 10.0.1.200
      long[] perSecond = new long[SECONDS];
      java.util.Arrays.fill(perSecond, s.limit * (2 + r.nextInt(100)));
      s.rates.put(ip, perSecond);
      s.allowlisted.add(ip);
      s.story.append(", allowlisted ").append(ip).append(" at ").append(perSecond[0]).append("/s");
    }
    return s;
  }

  private static ConfigSnapshot config(Scenario s) {
    List<ListEntry> allow = new ArrayList<>();
    s.allowlisted.forEach(ip -> allow.add(new ListEntry(Cidr.of(ip), null, "", "sim", 1)));
    GlobalPolicy g = new GlobalPolicy(s.limit, s.minuteLimit, Ladder.DEFAULT, Duration.ofHours(24), s.shadow, ZoneOffset.UTC);
    List<Quota> quotas = s.quota == 0 ? List.of() : List.of(new Quota("*", IFACE, s.quota));
    return new ConfigSnapshot(g, allow, List.of(), Map.of(APP, new AppConfig(APP, new AppPolicy(AppMode.OPEN, null, null,
        quotas, false), List.of(), List.of(), List.of())), 1);
  }

  /** Runs one phase of SECONDS seconds from {@code startSecond}; returns the sink's notices by then. */
  private static void phase(Scenario s, long startSecond, boolean onlyReoffenders, FakeClock clock, InMemoryWindows windows,
      RuleScanner scanner, InterceptBook book, ConfigSnapshot config, RecordingSink sink) {
    for (int t = 0; t < SECONDS; t++) {
      long sec = startSecond + t;
      Map<String, Long> prefixes = new HashMap<>();
      Map<String, Long> prefixesLessAllowlisted = new HashMap<>();
      for (Map.Entry<IpAddress, long[]> e : s.rates.entrySet()) {
        IpAddress ip = e.getKey();
        if (onlyReoffenders && !s.reoffenders.contains(ip)) {
          continue;
        }
        long n = e.getValue()[t];
        windows.put(APP, Kind.SECOND, sec, ip.toString(), n);
        if (s.countedMinute != sec / 60) {
          s.minuteCounts.clear();
          s.countedMinute = sec / 60;
        }
        long thisMinute = s.minuteCounts.merge(ip, n, Long::sum);
        windows.put(APP, Kind.MINUTE, sec / 60, ip.toString(), thisMinute);
        if (s.minuteLimit != null && thisMinute > s.minuteLimit && !s.allowlisted.contains(ip)) {
          s.overAddress.putIfAbsent(ip.toString(), sec);
        }
        String p = Cidr.covering(ip, ip.isV4() ? 24 : 64).toString();
        prefixes.merge(p, n, Long::sum);
        if (!s.allowlisted.contains(ip)) {
          prefixesLessAllowlisted.merge(p, n, Long::sum);
        }
        if (n > s.limit && !s.allowlisted.contains(ip)) {
          s.overAddress.putIfAbsent(ip.toString(), sec);
        }
      }
      prefixes.forEach((p, n) -> windows.put(APP, Kind.PREFIX_SECOND, sec, p, n));
      int day = RedisKeys.yyyymmdd(java.time.LocalDate.ofEpochDay(sec / 86_400));
      s.usage.forEach((caller, used) -> windows.put(APP, Kind.QUOTA_DAY, day, RedisKeys.quotaMember(caller, IFACE), used));
      prefixesLessAllowlisted.forEach((p, n) -> {
        if (n > s.prefixLimit) {
          s.overPrefix.putIfAbsent(p, sec);
        }
      });
      for (int scan = 0; scan < 4; scan++) {
        clock.set(sec * 1000 + 100 + scan * 250);
        book.expire();
        for (Breach b : scanner.scan(APP, config, clock.millis())) {
          book.consider(b, config);
        }
        for (QuotaBreach b : scanner.scanQuotas(APP, config, clock.millis())) {
          book.considerQuota(b, config);
        }
      }
      if (!s.shadow && s.valveMax == 10_000) {
        long end = sec;
        for (Map.Entry<String, Long> over : s.overAddress.entrySet()) {
          if (over.getValue() == end) {
            IpAddress ip = IpAddress.parse(over.getKey());
            assertThat(book.active().stream().anyMatch(n -> !n.isQuota() && n.target().contains(ip)))
                .as("%s%n%s was over its limit in second %d and is not intercepted by its end", s.story, ip, end).isTrue();
          }
        }
      }
      if (!s.shadow) {
        s.usage.forEach((caller, used) -> assertThat(book.active().stream()
            .anyMatch(n -> n.isQuota() && n.quota().caller().equals(caller))).as("%s%n%s limited after using %d of %d",
                s.story, caller, used, s.quota).isEqualTo(used > s.quota));
      }
    }
  }

  private static void run(long seed) {
    Scenario s = generate(seed);
    FakeClock clock = new FakeClock();
    long first = clock.millis() / 1000 + 1;
    InMemoryWindows windows = new InMemoryWindows();
    RecordingSink sink = new RecordingSink();
    AtomicInteger ids = new AtomicInteger();
    MapHistory history = new MapHistory(); // Redis: shared by every leader
    MapReleases releases = new MapReleases();
    InterceptBook book = new InterceptBook(clock, sink, history, releases, new SafetyValve(s.valveMax, 16, 48),
        () -> "n-" + ids.incrementAndGet());
    RuleScanner scanner = new RuleScanner(windows, s.prefixLimit, null);
    ConfigSnapshot config = config(s);

    phase(s, first, false, clock, windows, scanner, book, config, sink);
    if (s.failover) { // a new leader while the intercepts are in force: it loads them from the topic, the history
      // from Redis, and has a valve of its own
      InterceptBook next = new InterceptBook(clock, sink, history, releases, new SafetyValve(s.valveMax, 16, 48),
          () -> "m-" + ids.incrementAndGet());
      next.load(book.active());
      book = next;
    }
    int firstLeader = sink.published.size();
    // the same traffic 10 s later, the first intercepts still in force
    phase(s, first + 10, false, clock, windows, scanner, book, config, sink);
    // the first rung (1 min) lapses; reoffenders come back
    phase(s, first + 70, true, clock, windows, scanner, book, config, sink);
    checkValve(s, sink.published.subList(0, firstLeader));
    checkValve(s, sink.published.subList(firstLeader, sink.published.size()));

    String story = s.story.toString();
    if (s.shadow) {
      assertThat(sink.published).as("%s%nshadow mode publishes nothing", story).isEmpty();
      return;
    }
    Map<String, Integer> lastLevel = new HashMap<>();
    Map<String, InterceptNotice> lastNotice = new HashMap<>();
    Set<String> published = new HashSet<>();
    for (InterceptNotice n : sink.published) {
      if (n.isQuota()) {
        assertThat(published.add(n.key() + "@" + n.level())).as("%s%n%s limited twice", story, n.describeTarget()).isTrue();
        assertThat(s.usage.get(n.quota().caller())).as("%s%n%s limited", story, n.describeTarget()).isGreaterThan(s.quota);
        continue;
      }
      String target = n.target().toString();
      assertThat(published.add(n.key() + "@" + n.level())).as("%s%n%s published twice at level %d", story, target, n.level())
          .isTrue();
      InterceptNotice before = lastNotice.put(n.key(), n);
      assertThat(before == null || !before.isActiveAt(n.issuedAt())).as("%s%n%s issued again at %d while its level %d"
          + " notice was in force", story, target, n.issuedAt(), before == null ? 0 : before.level()).isTrue();
      int previous = lastLevel.getOrDefault(n.key(), 0);
      assertThat(n.level()).as("%s%n%s climbs the ladder by one", story, target).isEqualTo(previous + 1);
      lastLevel.put(n.key(), n.level());
      boolean single = n.target().prefix() == (n.target().network().isV4() ? 32 : 128);
      if (single) {
        assertThat(s.overAddress).as("%s%n%s intercepted but never over its limit", story, target)
            .containsKey(n.target().network().toString());
      } else {
        assertThat(s.overPrefix).as("%s%n%s intercepted but its traffic less the allowlisted was never over the prefix limit",
            story, target).containsKey(target);
      }
      for (IpAddress a : s.allowlisted) {
        assertThat(single && n.target().contains(a)).as("%s%nan allowlisted address intercepted: %s", story, target).isFalse();
      }
    }
    for (IpAddress ip : s.valveMax == 10_000 ? s.reoffenders : Set.<IpAddress>of()) {
      assertThat(lastLevel.getOrDefault(KafkaKeys.notice(APP, Cidr.of(ip)), 0))
          .as("%s%nreoffender %s is at level 2 after offending again", story, ip).isEqualTo(2);
    }
    assertThat(sink.audits).filteredOn(a -> a.kind() == AuditRecord.Kind.INTERCEPT_ISSUED)
        .allSatisfy(a -> assertThat(a.evidence()).as("%s%nevidence of %s", story, a.target()).isNotEmpty());
  }

  /** The valve's cap: no more than {@code valveMax} new intercepts by one leader within any minute. */
  private static void checkValve(Scenario s, List<InterceptNotice> byOneLeader) {
    List<InterceptNotice> valved = byOneLeader.stream().filter(n -> !n.isQuota()).toList(); // quotas are not valved
    for (InterceptNotice n : valved) {
      long within = valved.stream().filter(m -> m.issuedAt() > n.issuedAt() - 60_000 && m.issuedAt() <= n.issuedAt())
          .count();
      assertThat(within).as("%s%nnew intercepts in the minute up to %d", s.story, n.issuedAt()).isLessThanOrEqualTo(s.valveMax);
    }
  }

  @Test
  void thousandsOfGeneratedScenarios_holdEveryProperty() {
    String one = System.getProperty("simulation.seed");
    if (one != null) {
      run(Long.parseLong(one));
      return;
    }
    for (long seed = 1; seed <= SCENARIOS; seed++) {
      run(seed);
    }
  }
}
