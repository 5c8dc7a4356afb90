package dev.portcullis.benchmarks.soak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.app.DemoStack;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.Ladder;
import dev.portcullis.config.PrefixLimit;
import dev.portcullis.config.store.Versioned;
import dev.portcullis.redis.RedisKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import redis.clients.jedis.UnifiedJedis;

/**
 * The soak: the whole system on real servers on loopback (KRaft, ZooKeeper and Redis, the notifier and
 * three clients in this JVM; two aggregators in their own JVMs) under {@link SoakTraffic} for a while,
 * with Redis stopped for a time (its data lost: it keeps none) and an aggregator SIGKILLed and started
 * again. Each interval it records a {@link SoakRow}; at the end it checks the counts of the heaviest
 * benign users against Redis: every minute that the store still held when Redis came back (the outage and
 * the kill included), every second that began after Redis came back and whose key cannot have expired yet,
 * and each user's total over those minutes.
 */
public final class Soak {

  /**
   * @param users         benign users (Zipf, s = 0.8)
   * @param redisOutageAt when Redis is stopped, and for how long ({@code redisOutage})
   * @param killAt        when the second aggregator is SIGKILLed (started again 5 s later)
   * @param lateLookbackSeconds how far back the notifier judges 1 s windows written late
   *                      ({@code scan.lateLookbackSeconds}): a run that outpaces the aggregators needs more than the default
   */
  public record Settings(Duration length, Duration interval, int users, SoakTraffic.Rates rates,
      Duration redisOutageAt, Duration redisOutage, Duration killAt, int lateLookbackSeconds) {}

  /**
   * What it found.
   *
   * @param sampledMinutes     minutes of the heaviest users compared with Redis (from the minute before Redis
   *                           came back, which every worker's store still held then: minuteWindows is at least 2)
   * @param sampledSeconds     seconds of them compared (after Redis came back, and in the last 100 s: none
   *                           when the aggregators caught up later than that)
   * @param mismatchedRequests the requests by which the compared windows differ from what was sent, summed
   * @param countedLater       requests the clients reported in a later second than they were decided in
   *                           (their emitters over 2 s behind): each may make one window one short and the next one over
   * @param usersTotalled      sampled users whose total over the whole run was compared: when those minutes cover
   *                           the run (a request counted later moves between them, never out), all but any trimmed
   *                           by design from a full past minute ({@link #TRIMMED}); else none
   * @param totalsOff          the users whose total in Redis differs from what they sent
   * @param restartedWorkerRecords records the SIGKILLed worker counted after its restart, by the end of the catch-up
   *                           (-1 if it did not answer): 0 if it got no task back
   */
  public record Report(List<SoakRow> rows, long benignSent, long benignRefused, String firstBenignRefusal,
      long v6Sent, long v6InterceptedAfterMillis, long scraperInterceptedAfterMillis, int sampledMinutes, int sampledSeconds,
      List<String> mismatches, long mismatchedRequests, long countedLater, long maxMembers, int usersTotalled,
      List<String> totalsOff, long restartedWorkerRecords) {

    public String markdown() {
      StringBuilder b = new StringBuilder(SoakRow.header()).append('\n');
      rows.forEach(r -> b.append(r.markdown()).append('\n'));
      b.append("\nbenign requests ").append(benignSent).append(", refused ").append(benignRefused)
          .append(firstBenignRefusal == null ? "" : " (first: " + firstBenignRefusal + ")")
          .append("; IPv6 attacker: ").append(v6Sent).append(" fresh addresses, its /48 intercepted after ")
          .append(v6InterceptedAfterMillis).append(" ms; /24 scraper intercepted after ").append(scraperInterceptedAfterMillis)
          .append(" ms; sampled windows checked ").append(sampledMinutes).append(" minutes and ").append(sampledSeconds)
          .append(" seconds, different ").append(mismatches.size())
          .append(" (of them 1 min windows: ").append(mismatches.stream().filter(m -> m.contains("|m|")).count()).append(')')
          .append(mismatches.isEmpty() ? "" : " " + mismatches.subList(0, Math.min(5, mismatches.size())))
          .append("; requests the clients counted in a later second ").append(countedLater)
          .append("; most members of one window key ").append(maxMembers)
          .append("; users whose total over the run was compared ").append(usersTotalled).append(", different ")
          .append(totalsOff.size()).append(totalsOff.isEmpty() ? "" : " " + totalsOff)
          .append("; records the restarted aggregator counted ").append(restartedWorkerRecords).append('\n');
      return b.toString();
    }
  }

  /** Stands in the mismatch list for a window not compared because a request whose call spanned its edge may be in it or not. */
  static final String AMBIGUOUS = "(not compared: a call spanned its edge)";
  /**
   * Stands in the mismatch list for a past minute without the user whose key holds its
   * {@link RedisKeys#PAST_MINUTE_MEMBERS} highest members, none lower than what the user sent: trimmed by design
   * (a minute of which the run had a second or two, where a user sent once like the IPv6 addresses).
   */
  static final String TRIMMED = "(not compared: trimmed from a full past minute)";

  /** IPv6 /48 limit per second of the soak's policy. */
  static final long V6_PREFIX_LIMIT = 500;
  /** IPv4 /24 limits: 150 a second (the demo stack's notifier default, made explicit) and 4,500 a minute. */
  static final long V4_PREFIX_LIMIT = 150;
  /**
   * A /24's minute is judged while it is the current minute or the one before: a second chance for an
   * attacker whose seconds the aggregators wrote later than the late scan looks back (a run that outpaces
   * them). The heaviest benign /24 sends under 1,500 a minute.
   */
  static final long V4_PREFIX_LIMIT_PER_MINUTE = 4_500;

  private Soak() {}

  public static Report run(Settings s, Consumer<String> log) throws Exception {
    DemoStack.Options o = new DemoStack.Options(200, Ladder.DEFAULT, Duration.ofHours(24), 150, 1, null, false, 1_000, 0)
        .withLateLookback(s.lateLookbackSeconds());
    try (DemoStack stack = new DemoStack(o, log).start()) {
      Versioned<GlobalPolicy> g = stack.store().globalPolicy();
      stack.store().setGlobalPolicy(g.value().withPrefixLimits(List.of(new PrefixLimit(true, 48, V6_PREFIX_LIMIT, null),
          new PrefixLimit(false, 24, V4_PREFIX_LIMIT, V4_PREFIX_LIMIT_PER_MINUTE))),
          g.version());
      Path dir = stack.directory().resolve("soak");
      String redisNode = "127.0.0.1:" + stack.redisProcess().port();
      List<ChildAggregator> aggregators = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        ChildAggregator a = new ChildAggregator(dir.resolve("aggregator-" + i), stack.kafkaBootstrap(), redisNode);
        aggregators.add(a);
        a.start();
      }
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()));
          UnifiedJedis redis = stack.redis().connect()) {
        await("the aggregators to run", Duration.ofSeconds(120), () -> aggregators.stream().allMatch(ChildAggregator::healthy));
        List<AclClient> clients = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
          clients.add(stack.client("shop", "soak-" + i));
        }
        SoakProbe probe = new SoakProbe(clients.get(0));
        SoakGauges gauges = new SoakGauges(admin, redis, aggregators, clients);
        List<SoakRow> rows = new ArrayList<>();
        long outageEnd;
        long maxMembers = 0;
        try (SoakTraffic traffic = new SoakTraffic(clients, s.users(), s.rates())) {
          traffic.start();
          long t0 = System.currentTimeMillis();
          long outageAt = t0 + s.redisOutageAt().toMillis();
          outageEnd = outageAt + s.redisOutage().toMillis();
          long killAt = t0 + s.killAt().toMillis();
          long nextRow = t0 + s.interval().toMillis();
          long rowsWanted = s.length().toMillis() / s.interval().toMillis();
          boolean down = false;
          boolean killed = false;
          boolean restarted = false;
          String event = "";
          probe.start();
          while (rows.size() < rowsWanted) {
            long now = System.currentTimeMillis();
            if (!down && now >= outageAt && now < outageEnd) {
              stack.redisProcess().stop();
              down = true;
              event += "Redis stopped; ";
            } else if (down && now >= outageEnd) {
              stack.redisProcess().start();
              down = false;
              event += "Redis back (empty); ";
            }
            if (!killed && now >= killAt) {
              aggregators.get(1).kill();
              killed = true;
              event += "aggregator-2 SIGKILLed; ";
            } else if (killed && !restarted && now >= killAt + 5_000) {
              aggregators.get(1).start();
              restarted = true;
              event += "aggregator-2 restarted; ";
            }
            if (now >= nextRow) {
              SoakRow row = gauges.row((now - t0) / 1000, probe.takeReaction(), traffic.v6Sent.sum(), event);
              rows.add(row);
              maxMembers = Math.max(maxMembers, row.maxMembers());
              log.accept(row.markdown());
              event = "";
              nextRow += s.interval().toMillis();
              probe.start();
            }
            Thread.sleep(200);
          }
          // a lagging emitter counts a request in the slice it reaches it in: end where the next minute is at
          // least 20 s away, so that the run's requests stay within its minutes (each user's total: checkTotals)
          while (System.currentTimeMillis() % 60_000 >= 40_000) {
            Thread.sleep(100);
          }
          traffic.close();
          probe.close();
          // a run faster than the aggregators ends behind by about as long as it ran, or more
          Duration catchUp = Duration.ofSeconds(Math.max(300, 3 * s.length().toSeconds()));
          long lagAtEnd = gauges.lag();
          long endedAt = System.currentTimeMillis();
          await("the aggregators to catch up", catchUp, () -> gauges.lag() == 0);
          log.accept("the aggregators caught up " + (System.currentTimeMillis() - endedAt) / 1000 + " s after the traffic"
              + " ended, " + lagAtEnd + " records behind then");
          log.accept("late windows by the kind of entry and the window that missed them, over the running workers: "
              + gauges.lateWindowsByKind());
          // the restarted worker counts only with tasks: kept or taken again as it rejoins, or given back to it at a
          // probing rebalance once warmed up there
          JsonNode restartedMetrics = aggregators.get(1).metrics();
          long restartedWorkerRecords = restartedMetrics == null ? -1 : restartedMetrics.path("records").asLong();
          Thread.sleep(3_000); // a flush interval and more
          // an attacker the backlog kept from being caught during the run is caught once it is counted
          awaitIntercepted(clients.get(0), traffic.v6InterceptedAt, "2001:db8:7:1::1");
          awaitIntercepted(clients.get(0), traffic.scraperInterceptedAt, "198.51.100.77");
          List<String> mismatches = new ArrayList<>();
          long[] off = {0};
          // every retained minute is written again once Redis answers: at least the minute then and the one before
          long minutesFrom = (outageEnd / 60_000 - 1) * 60_000;
          int[] checked = check(traffic, redis, minutesFrom, outageEnd + 2_000, System.currentTimeMillis(), mismatches, off);
          List<String> totalsOff = new ArrayList<>();
          int usersTotalled = checkTotals(traffic, redis, minutesFrom, totalsOff);
          long countedLater = clients.stream().mapToLong(c -> c.status().accessesCountedLater()).sum();
          int excluded = (int) mismatches.stream().filter(AMBIGUOUS::equals).count();
          mismatches.removeIf(AMBIGUOUS::equals);
          int trimmed = (int) mismatches.stream().filter(TRIMMED::equals).count();
          mismatches.removeIf(TRIMMED::equals);
          log.accept("sampled minutes left out as trimmed from a full key by design: " + trimmed);
          log.accept("sampled windows left out as ambiguous (the client's clock crossed their edge during a call): "
              + excluded);
          return new Report(rows, traffic.benignSent.sum(), traffic.benignRefused.sum(), traffic.firstBenignRefusal.get(),
              traffic.v6Sent.sum(), since(traffic.v6InterceptedAt, traffic.startedAt),
              since(traffic.scraperInterceptedAt, traffic.startedAt), checked[0], checked[1], mismatches, off[0],
              countedLater, maxMembers, usersTotalled, totalsOff, restartedWorkerRecords);
        }
      } finally {
        for (ChildAggregator a : aggregators) {
          a.close();
        }
      }
    }
  }

  private static void awaitIntercepted(AclClient c, AtomicLong at, String ip) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (at.get() == 0 && System.currentTimeMillis() < deadline) {
      if (intercepted(c, ip)) {
        at.compareAndSet(0, System.currentTimeMillis());
      }
      Thread.sleep(100);
    }
  }

  private static long since(AtomicLong at, long start) {
    return at.get() == 0 ? -1 : at.get() - start;
  }

  /**
   * Compares the sampled users' counts with Redis for every minute that began after {@code minutesFrom} and
   * ended before {@code until}, and every second that began after {@code secondsFrom} and in the last 100 s
   * before {@code until}; returns how many minutes and seconds it compared, and adds the requests by which
   * they differ to {@code off[0]}.
   *
   * <p>A failed write (the outage) starts a rewrite of every retained window, with its full count, and so
   * does the start of a worker (the kill), so a minute the stores still held when Redis came back is exact
   * again in a Redis that came back empty. A second is compared only once Redis was back (an address's
   * seconds overwritten in its ring during the outage may be lost, and counted so) and before its key may
   * have expired: a window is written at most 120 s after it began, each write keeps its key 120 s more,
   * so a second that began in the last 100 s has every write it got.
   */
  private static int[] check(SoakTraffic traffic, UnifiedJedis redis, long minutesFrom, long secondsFrom, long until,
      List<String> mismatches, long[] off) {
    RedisKeys keys = new RedisKeys();
    int[] checked = new int[2];
    for (Map.Entry<String, java.util.concurrent.atomic.LongAdder> e : traffic.expected.entrySet()) {
      String[] p = e.getKey().split("\\|");
      long window = Long.parseLong(p[2]);
      boolean second = p[1].equals("s");
      long start = second ? window * 1000 : window * 60_000;
      long end = start + (second ? 1000 : 60_000);
      if (end > until - 2_000 || (second ? start < secondsFrom || start < until - 100_000 : start < minutesFrom)) {
        continue;
      }
      if (traffic.ambiguous.contains(e.getKey())) {
        mismatches.add(AMBIGUOUS);
        continue;
      }
      dev.portcullis.address.IpAddress ip = dev.portcullis.address.IpAddress.parse(p[0]);
      String key = second ? keys.secondWindow("shop", keys.shard(ip), window) : keys.minuteWindow("shop", keys.shard(ip), window);
      Double actual = redis.zscore(key, ip.toString());
      if (actual == null && !second && trimmedAway(redis, key, e.getValue().sum())) {
        mismatches.add(TRIMMED);
        continue;
      }
      checked[second ? 1 : 0]++;
      long have = actual == null ? 0 : actual.longValue();
      off[0] += Math.abs(have - e.getValue().sum());
      if (actual == null || have != e.getValue().sum()) {
        mismatches.add(e.getKey() + " (" + (start - secondsFrom) / 1000 + " s after Redis was back; negative: before): sent " + e.getValue().sum()
            + ", Redis has " + actual);
      }
    }
    return checked;
  }

  /**
   * Compares each sampled user's total in Redis, over the minutes from its first in the run to the one after
   * its last, with the requests it sent, when every minute of the run is at or after {@code minutesFrom}:
   * a request the client counted in a later second than it was made in moves from one of those minutes to
   * the next, never out of them (the run ends 20 s or more before a minute does), so the total is exact
   * whatever the emitters' lag. Returns how many users it compared (none when the run began before
   * {@code minutesFrom}; not those trimmed by design from a full past minute, see {@link #TRIMMED}) and adds
   * those that differ to {@code off}.
   */
  private static int checkTotals(SoakTraffic traffic, UnifiedJedis redis, long minutesFrom, List<String> off) {
    Map<String, long[]> users = new java.util.TreeMap<>(); // address -> sent, first minute, last minute
    for (Map.Entry<String, java.util.concurrent.atomic.LongAdder> e : traffic.expected.entrySet()) {
      String[] p = e.getKey().split("\\|");
      if (p[1].equals("m")) {
        long minute = Long.parseLong(p[2]);
        long[] u = users.computeIfAbsent(p[0], k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
        u[0] += e.getValue().sum();
        u[1] = Math.min(u[1], minute);
        u[2] = Math.max(u[2], minute);
      }
    }
    if (users.values().stream().anyMatch(u -> u[1] * 60_000 < minutesFrom)) {
      return 0;
    }
    RedisKeys keys = new RedisKeys();
    int compared = 0;
    users:
    for (Map.Entry<String, long[]> e : users.entrySet()) {
      dev.portcullis.address.IpAddress ip = dev.portcullis.address.IpAddress.parse(e.getKey());
      long have = 0;
      for (long minute = e.getValue()[1]; minute <= e.getValue()[2] + 1; minute++) {
        String key = keys.minuteWindow("shop", keys.shard(ip), minute);
        Double score = redis.zscore(key, ip.toString());
        java.util.concurrent.atomic.LongAdder sent = traffic.expected.get(e.getKey() + "|m|" + minute);
        if (score == null && sent != null && trimmedAway(redis, key, sent.sum())) {
          continue users;
        }
        have += score == null ? 0 : score.longValue();
      }
      compared++;
      if (have != e.getValue()[0]) {
        off.add(e.getKey() + ": sent " + e.getValue()[0] + ", Redis has " + have);
      }
    }
    return compared;
  }

  /**
   * Whether a member that sent {@code sent} may be missing from the past minute {@code key} by design: the
   * key holds its {@link RedisKeys#PAST_MINUTE_MEMBERS} highest members, the lowest of them at least as high.
   */
  private static boolean trimmedAway(UnifiedJedis redis, String key, long sent) {
    if (redis.zcard(key) < RedisKeys.PAST_MINUTE_MEMBERS) {
      return false;
    }
    List<redis.clients.jedis.resps.Tuple> lowest = redis.zrangeWithScores(key, 0, 0);
    return !lowest.isEmpty() && lowest.get(0).getScore() >= sent;
  }

  static void await(String what, Duration timeout, java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(250);
    }
  }

  /** Whether {@code c} refuses {@code ip} as an intercept. */
  static boolean intercepted(AclClient c, String ip) {
    return c.check(ip, "GET /probe").reason() == Decision.Reason.INTERCEPT;
  }
}
