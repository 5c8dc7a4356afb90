package dev.portcullis.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated scenarios against a reference. Each scenario draws: one partition or eight (so prefixes are
 * counted where their records arrive, or sent to their home through the rekeyed topic), a cache budget from
 * a handful of entries per store to plenty, a pool of addresses of two apps (IPv4 and IPv6, many sharing a
 * /24, a /16, a /64 or a /48), callers for some records, in half of the scenarios records now and then seconds
 * to minutes behind the others, and in a third a quota zone whose day ends during the run, a day of 25 hours (so
 * callers' days roll over and their hours reach 24); then a run of many simulated minutes in which the other records come up to 2.5 s
 * behind the wall clock (never late by the counter's rules), flushes happen every 250 ms, Redis goes away now and
 * then (mostly for seconds, at times for minutes; back with what it had), the nodes serving Redis change (every
 * retained window is written again), and the traffic pauses long enough for minutes to close and the sweep to delete
 * entries. The reference is a plain sum per window of every record sent. At the end, with Redis back, no address,
 * prefix, total or node window, task's share of a wide prefix, caller's day or hour in the stand-in for Redis may hold
 * more than the sum of its records, or a member the reference lacks; and the windows that hold less must be
 * accounted for, each by name: short by no more than the count of that very window the counter named as lost
 * (overwritten beyond its bound: {@link dev.portcullis.aggregator.flush.WindowSink#lost}) plus the late records sent
 * into it, and in number no more than the windows the counter counted as lost or late (a minute by a lost or late
 * minute); a second only if Redis was away for all of the 120 s its key lives (the counter skips writing those). With
 * a cache of plenty and no late record, every window is exact.
 *
 * <p>Its first version found that the sweep deleted, during a Redis outage of minutes, addresses that had gone
 * quiet before their windows were written ({@code AggregatorTopologyTest}
 * {@code aRedisOutageOfMinutesLongerThanTheCacheHolds_writesTheMinutesOfAddressesThatWentQuietMeanwhile}). With
 * small caches the minutes lost by design outnumbered those, so a count alone could not tell them apart; naming
 * each lost window does.
 */
class WindowCountingSimulationTest {

  private static final int SCENARIOS = 24;
  private static final long T0 = 1_763_880_000_000L; // a minute boundary (UTC), as in AggregatorTopologyTest
  /**
   * The quota zone of a third of the scenarios, and when they start: ten minutes before the end of a 25-hour day
   * there (summer time ended at 03:00), so quota days roll over and the last hour of the day is hour 24.
   */
  private static final ZoneId LONG_DAY_ZONE = ZoneId.of("Europe/Berlin");
  private static final long LONG_DAY_END = ZonedDateTime.of(2025, 10, 26, 23, 50, 0, 0, LONG_DAY_ZONE).toInstant().toEpochMilli();
  private static final RedisKeys KEYS = new RedisKeys(64);
  private static final String TASK = "0_0"; // the test driver runs every partition in one task
  private static final String NODE = "node-1";

  @TempDir
  Path state;

  private final WireCodec codec = new WireCodec();

  @Test
  void generatedScenarios_leaveRedisHoldingExactlyTheSumOfTheRecordsInEveryWindow() throws Exception {
    int whole = 0;
    int lossy = 0;
    int late = 0;
    for (int seed = 1; seed <= SCENARIOS; seed++) {
      Outcome o = runScenario(seed);
      whole += o.lost() == 0 && o.lateWindows() == 0 ? 1 : 0;
      lossy += o.lost() > 0 ? 1 : 0;
      late += o.lateWindows() > 0 ? 1 : 0;
    }
    assertThat(whole).as("scenarios that lost no overwritten window and had no late record, so every window was"
        + " compared exactly").isGreaterThanOrEqualTo(3);
    assertThat(lossy).as("scenarios whose small cache lost overwritten windows, so the bound was reached").isPositive();
    assertThat(late).as("scenarios with records too late for some window").isPositive();
  }

  /** What a scenario lost by design: overwritten windows beyond the bound, and windows late records missed. */
  private record Outcome(long lost, long lateWindows) {}

  /** Runs one scenario and compares Redis with the reference. */
  private Outcome runScenario(int seed) throws Exception {
    SplittableRandom rnd = new SplittableRandom(seed);
    int partitions = rnd.nextBoolean() ? 1 : 8;
    int[] budgets = {4, 40, 400, CacheBudget.DEFAULT_MOST_PER_STORE, CacheBudget.DEFAULT_MOST_PER_STORE};
    int budget = budgets[rnd.nextInt(budgets.length)];
    boolean lateRecords = rnd.nextBoolean(); // now and then a record seconds to minutes behind the others
    boolean longDay = rnd.nextInt(3) == 0;
    long start = longDay ? LONG_DAY_END : T0;
    List<String> apps = List.of("shop", "api");
    List<IpAddress> pool = pool(rnd, 20 + rnd.nextInt(200));
    String scenario = "scenario " + seed + " (" + partitions + " partitions, " + budget + " cached entries a store, "
        + pool.size() + " addresses" + (lateRecords ? ", late records" : "") + (longDay ? ", the end of a long day" : "")
        + ")";

    Path dir = Files.createTempDirectory(state, "s" + seed);
    AggregatorSettings d = AggregatorSettings.defaults("unused:9092", RedisEndpoints.of("127.0.0.1:6379", false), dir)
        .withStore(AggregatorSettings.StoreType.IN_MEMORY, dir);
    AggregatorSettings s = new AggregatorSettings(d.kafka(), d.applicationId(), d.accessTopic(), d.dlqTopic(), d.partitions(),
        d.redis(), d.shards(), d.flushInterval(), d.commitInterval(), d.secondWindows(), d.minuteWindows(), d.prefixes(),
        longDay ? LONG_DAY_ZONE : d.quotaZone(), d.storeType(), d.stateDir(), d.streamThreads(), d.exactlyOnce(),
        d.adminPort(), d.adminHost(), d.storeMemoryMb(), d.sessionTimeout());
    AggregatorTopologyTest.MapSink sink = new AggregatorTopologyTest.MapSink();
    AggregatorMetrics metrics = new AggregatorMetrics();
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "simulation");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    Reference ref = new Reference(s);
    try (TopologyTestDriver driver = new TopologyTestDriver(AggregatorTopology.build(s, partitions, sink, metrics, budget),
        p, Instant.ofEpochMilli(start))) {
      TestInputTopic<String, byte[]> in = driver.createInputTopic(s.accessTopic(), new StringSerializer(),
          new ByteArraySerializer());
      long wall = start;
      long outageEndsAt = Long.MIN_VALUE;
      List<long[]> outages = new ArrayList<>(); // [from, to) of wall-clock time
      int steps = 1_500 + rnd.nextInt(1_500);
      for (int step = 0; step < steps; step++) {
        int what = rnd.nextInt(1_000);
        if (what < 700) {
          IpAddress ip = pool.get(skewed(rnd, pool.size()));
          String app = apps.get(rnd.nextInt(10) < 7 ? 0 : 1);
          long ts = lateRecords && rnd.nextInt(40) == 0 ? wall - 3_000 - rnd.nextInt(300_000) : wall - rnd.nextInt(2_500);
          long n = 1 + rnd.nextInt(5);
          long denied = rnd.nextInt(4) == 0 ? rnd.nextLong(n + 1) : 0;
          String caller = rnd.nextInt(3) == 0 ? "caller-" + rnd.nextInt(5) : null;
          String iface = "GET /items/" + rnd.nextInt(3);
          AccessEvent e = new AccessEvent(app, iface, ip, caller, ts, n, denied, NODE);
          in.pipeInput(app + "|" + e.ip(), codec.write(e));
          ref.add(e, ts < wall - 2_500);
        } else if (what < 960) {
          wall += 250;
          driver.advanceWallClockTime(Duration.ofMillis(250));
        } else if (what < 975) {
          // a pause: minutes close, the sweep deletes what can no longer be counted into
          int seconds = 5 + rnd.nextInt(90);
          for (int i = 0; i < seconds; i++) { // a second a step: a flush and a sweep each
            wall += 1_000;
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            sink.failing = wall < outageEndsAt;
          }
        } else if (what < 990) {
          if (!sink.failing) {
            // Redis away, then back with what it had: mostly for seconds, now and then for minutes
            outageEndsAt = wall + (rnd.nextInt(5) == 0 ? 60_000 + rnd.nextInt(240_000) : 1_000 + rnd.nextInt(20_000));
            outages.add(new long[] {wall, outageEndsAt});
            sink.failing = true;
          }
        } else {
          sink.serving = "127.0.0.1:" + (7000 + rnd.nextInt(100)); // a failover: every retained window written again
        }
        sink.failing = wall < outageEndsAt;
      }
      sink.failing = false;
      for (int i = 0; i < 40; i++) { // past the longest backoff, and a rewrite's slices
        wall += 250;
        driver.advanceWallClockTime(Duration.ofMillis(250));
      }
      if (!lateRecords) {
        assertThat(metrics.lateWindows()).as(scenario + ": late windows (none is late by the counter's rules)").isZero();
      }
      assertThat(metrics.deadLettered()).as(scenario + ": dead letters").isZero();
      long lateMinutes = metrics.lateWindowsByKind().values().stream().mapToLong(w -> w.getOrDefault("minute", 0L)).sum();
      // one name per window that had a Redis key (a share's minute has none), a window counted once per loss
      long named = sink.lost.values().stream().mapToLong(Map::size).sum();
      assertThat(named).as(scenario + ": windows named as lost").isLessThanOrEqualTo(metrics.overwrittenLost());
      assertThat(named > 0).as(scenario + ": some window named as lost, %d counted", metrics.overwrittenLost())
          .isEqualTo(metrics.overwrittenLost() > 0);
      ref.compare(sink.data, sink.lost, metrics.overwrittenLost() + metrics.lateWindows(),
          metrics.overwrittenLostMinutes() + lateMinutes, new Outages(outages), scenario);
      return new Outcome(metrics.overwrittenLost(), metrics.lateWindows());
    }
  }

  /** Addresses of a few /24s in two /16s and of a few /64s in two /48s, so that prefixes are shared. */
  private static List<IpAddress> pool(SplittableRandom rnd, int size) {
    List<IpAddress> pool = new ArrayList<>();
    while (pool.size() < size) {
      IpAddress ip = rnd.nextBoolean()
          ? IpAddress.parse("198." + (51 + rnd.nextInt(2)) + "." + rnd.nextInt(4) + "." + (1 + rnd.nextInt(254)))
          : IpAddress.parse(String.format("2001:db8:%x:%x::%x", 7 + rnd.nextInt(2), rnd.nextInt(3) * 256 + rnd.nextInt(3),
              1 + rnd.nextInt(60_000)));
      if (!pool.contains(ip)) {
        pool.add(ip);
      }
    }
    return pool;
  }

  /** An index weighted to the first ones: a few heavy addresses, many light. */
  private static int skewed(SplittableRandom rnd, int size) {
    double u = rnd.nextDouble();
    return Math.min(size - 1, (int) (size * u * u * u));
  }

  /** The spells Redis was away, merged where less than the longest backoff (5 s) apart. */
  private static final class Outages {
    private final List<long[]> spells = new ArrayList<>();

    Outages(List<long[]> raw) {
      for (long[] o : raw) {
        long[] last = spells.isEmpty() ? null : spells.get(spells.size() - 1);
        if (last != null && o[0] - last[1] < 6_000) {
          last[1] = Math.max(last[1], o[1]);
        } else {
          spells.add(new long[] {o[0], o[1]});
        }
      }
    }

    /**
     * Whether Redis was away from before the second's last record could have been written (its records come up to
     * 2.5 s after it) until its key would have expired (120 s after it, less a flush's backoff): the counter then
     * skips the write, as the key would be gone anyway.
     */
    boolean spanTheLifeOfSecond(long second) {
      long start = second * 1_000;
      for (long[] o : spells) {
        if (o[0] <= start + 3_750 && o[1] >= start + 115_000) {
          return true;
        }
      }
      return false;
    }
  }

  /** The exact sum of every record in every window, keyed as the Redis stand-in is. */
  private static final class Reference {
    /** The kinds of second windows modelled: address, prefix, total, a task's share of a wide prefix, node. */
    private static final Set<String> SECOND_FAMILIES = Set.of("s", "ps", "ts", "ws", "ns");
    /** The other kinds modelled: address, prefix, total and node minutes, a caller's day and hours. */
    private static final Set<String> OTHER_FAMILIES = Set.of("m", "pm", "tm", "nm", "q", "qh");
    private final AggregatorSettings settings;
    private final Map<String, Map<String, Long>> seconds = new TreeMap<>();
    private final Map<String, Map<String, Long>> rest = new TreeMap<>();
    /** What the late records (3 s to 5 min behind) sent into each window, which the counter may miss. */
    private final Map<String, Map<String, Long>> late = new TreeMap<>();

    Reference(AggregatorSettings settings) {
      this.settings = settings;
    }

    /** Adds {@code e} to every window it counts in (and to {@link #late} as well when it was sent {@code late}). */
    void add(AccessEvent e, boolean late) {
      add(e, seconds, rest);
      if (late) {
        add(e, this.late, this.late);
      }
    }

    private void add(AccessEvent e, Map<String, Map<String, Long>> seconds, Map<String, Map<String, Long>> rest) {
      long sec = Math.floorDiv(e.ts(), 1000L);
      long min = Math.floorDiv(e.ts(), 60_000L);
      String app = e.app();
      String ip = e.ip().toString();
      int shard = KEYS.shard(e.ip());
      add(seconds, KEYS.secondWindow(app, shard, sec), ip, e.n());
      add(rest, KEYS.minuteWindow(app, shard, min), ip, e.n());
      add(seconds, KEYS.totalSecondWindow(app, sec), TASK, e.n());
      add(rest, KEYS.totalMinuteWindow(app, min), TASK, e.n());
      add(seconds, KEYS.nodeSecondWindow(app, sec), TASK + "|" + NODE, e.n());
      add(rest, KEYS.nodeMinuteWindow(app, min), TASK + "|" + NODE, e.n());
      List<Integer> lengths = e.ip().isV4() ? settings.prefixes().ipv4() : settings.prefixes().ipv6();
      int block = e.ip().isV4() ? KafkaKeys.ACCESS_PARTITION_V4_BLOCK : KafkaKeys.ACCESS_PARTITION_V6_BLOCK;
      for (int length : lengths) {
        String prefix = Cidr.covering(e.ip(), length).toString();
        int prefixShard = KEYS.shard(prefix);
        add(seconds, KEYS.prefixSecondWindow(app, prefixShard, sec), prefix, e.n());
        add(rest, KEYS.prefixMinuteWindow(app, prefixShard, min), prefix, e.n());
        if (length < block) {
          add(seconds, KEYS.prefixShareSecondWindow(app, sec), prefix + "|" + TASK, e.n());
        }
      }
      if (e.caller() != null) {
        String member = e.caller() + "|" + e.iface();
        ZonedDateTime at = Instant.ofEpochMilli(e.ts()).atZone(settings.quotaZone());
        int day = RedisKeys.yyyymmdd(at.toLocalDate());
        add(rest, KEYS.quotaDay(app, KEYS.shard(member), day), member, e.n());
        // the hour since the day's midnight, 00 to 23, or 24 in the last hour of a day of 25
        long hour = Duration.between(at.toLocalDate().atStartOfDay(settings.quotaZone()), at).toHours();
        String hourly = member + "|" + (hour < 10 ? "0" : "") + hour;
        add(rest, KEYS.quotaHours(app, KEYS.shard(hourly), day), hourly, e.n());
      }
    }

    private static void add(Map<String, Map<String, Long>> into, String key, String member, long n) {
      into.computeIfAbsent(key, k -> new TreeMap<>()).merge(member, n, Long::sum);
    }

    /**
     * No window holds more than the sum of its records, nor a member the reference lacks. Not counting a second whose
     * Redis key would have expired before Redis came back (the counter skips writing those, by design), a window
     * holds less only by as much as {@code named} names lost for it plus what late records sent into it; and at most
     * {@code lostMinutes} minutes or days hold less (one per minute window the counter counted as lost or missed by a
     * late record), and at most {@code lost} seconds (one per window counted as lost or late).
     */
    void compare(Map<String, Map<String, Long>> redis, Map<String, Map<String, Long>> named, long lost, long lostMinutes,
        Outages outages, String scenario) {
      Map<String, Map<String, Long>> expected = new TreeMap<>(rest);
      expected.putAll(seconds);
      Map<String, Map<String, Long>> actual = new TreeMap<>();
      redis.forEach((key, members) -> {
        String family = family(key);
        if (OTHER_FAMILIES.contains(family) || SECOND_FAMILIES.contains(family)) {
          actual.put(key, new TreeMap<>(members));
        }
      });
      List<String> over = new ArrayList<>();
      List<String> lessSeconds = new ArrayList<>();
      List<String> lessOther = new ArrayList<>();
      List<String> unnamed = new ArrayList<>();
      for (String key : union(expected, actual)) {
        Map<String, Long> want = expected.getOrDefault(key, Map.of());
        Map<String, Long> got = actual.getOrDefault(key, Map.of());
        got.forEach((member, n) -> {
          if (n > want.getOrDefault(member, 0L)) {
            over.add(key + " " + member + ": " + n + " in Redis, " + want.get(member) + " sent");
          }
        });
        boolean second = SECOND_FAMILIES.contains(family(key));
        boolean expired = second && outages.spanTheLifeOfSecond(window(key));
        Map<String, Long> namedLost = named.getOrDefault(key, Map.of());
        Map<String, Long> sentLate = late.getOrDefault(key, Map.of());
        want.forEach((member, n) -> {
          long have = got.getOrDefault(member, 0L);
          if (have < n && !expired) {
            String what = key + " " + member + ": " + got.get(member) + " in Redis, " + n + " sent";
            (second ? lessSeconds : lessOther).add(what);
            long excused = namedLost.getOrDefault(member, 0L) + sentLate.getOrDefault(member, 0L);
            if (have < n - excused) {
              unnamed.add(what + ", " + namedLost.get(member) + " named lost, " + sentLate.get(member) + " sent late");
            }
          }
        });
      }
      assertThat(over).as(scenario + ": windows holding more than their records").isEmpty();
      assertThat(unnamed).as(scenario + ": windows short by more than what was named lost in them and sent late").isEmpty();
      assertThat(lessOther.size()).as(scenario + ": minutes and days holding less than their records (%s), against the"
          + " minutes the counter counted as lost or late", lessOther.subList(0, Math.min(6, lessOther.size())))
          .isLessThanOrEqualTo((int) lostMinutes);
      assertThat(lessSeconds.size()).as(scenario + ": seconds holding less than their records (%s), against the"
          + " windows the counter counted as lost or late", lessSeconds.subList(0, Math.min(6, lessSeconds.size())))
          .isLessThanOrEqualTo((int) lost);
    }

    /** The window a key is of: the number after its last ':'. */
    private static long window(String key) {
      return Long.parseLong(key.substring(key.lastIndexOf(':') + 1));
    }

    /** A key's kind of window, between its hash tag and its window: {@code s} in {@code pc:{shop:12}:s:1763880000}. */
    private static String family(String key) {
      return key.substring(key.indexOf("}:") + 2, key.lastIndexOf(':'));
    }

    private static Set<String> union(Map<String, ?> a, Map<String, ?> b) {
      Set<String> u = new TreeSet<>(a.keySet());
      u.addAll(b.keySet());
      return u;
    }
  }
}
