package dev.portcullis.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.IpAddress;
import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import dev.portcullis.aggregator.flush.WindowWrite;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology with {@link TopologyTestDriver}; the flush punctuator is fired by advancing wall-clock
 * time by hand, and the sink is an in-memory map standing in for Redis (the real Redis is in the ITs).
 */
class AggregatorTopologyTest {

  private static final long T0 = 1_763_880_000_000L; // a minute boundary
  private static final RedisKeys KEYS = new RedisKeys(64);

  /**
   * Records writes like Redis would: last absolute value per (key, member), a bounded key trimmed to its
   * highest members after the batch (the lowest score first, then the lowest member, as ZREMRANGEBYRANK).
   * Can be told to fail.
   */
  static final class MapSink implements WindowSink {
    final Map<String, Map<String, Long>> data = new HashMap<>();
    final List<Integer> batches = new ArrayList<>();
    final List<String> trimmed = new ArrayList<>();
    /** Windows the counter named as lost: key, member, count. */
    final Map<String, Map<String, Long>> lost = new HashMap<>();
    boolean failing;
    String serving = "127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002";

    @Override
    public String servingNodes() {
      return serving;
    }

    @Override
    public int write(List<WindowWrite> batch) {
      if (failing) {
        throw new IllegalStateException("redis is down");
      }
      batches.add(batch.size());
      Map<String, Integer> keep = new HashMap<>();
      for (WindowWrite w : batch) {
        data.computeIfAbsent(w.key(), k -> new HashMap<>()).put(w.member(), w.count());
        keep.merge(w.key(), w.keep(), Math::max);
      }
      keep.forEach((key, k) -> {
        if (k > 0) {
          trimTo(key, k);
        }
      });
      return batch.size();
    }

    @Override
    public int trim(java.util.Collection<String> keys, int keep) {
      if (failing) {
        throw new IllegalStateException("redis is down");
      }
      keys.forEach(k -> trimTo(k, keep));
      trimmed.addAll(keys);
      return keys.size();
    }

    @Override
    public void lost(WindowWrite window) {
      lost.computeIfAbsent(window.key(), k -> new HashMap<>()).merge(window.member(), window.count(), Math::max);
    }

    private void trimTo(String key, int keep) {
      Map<String, Long> z = data.get(key);
      if (z != null && z.size() > keep) {
        List<Map.Entry<String, Long>> lowestFirst = new ArrayList<>(z.entrySet());
        lowestFirst.sort(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        lowestFirst.subList(0, z.size() - keep).forEach(e -> z.remove(e.getKey()));
      }
    }

    @Override
    public void close() {}
  }

  @TempDir
  Path state;

  private final WireCodec codec = new WireCodec();
  private final MapSink sink = new MapSink();
  private final AggregatorMetrics metrics = new AggregatorMetrics();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> in;
  private TestOutputTopic<String, byte[]> dlq;

  @BeforeEach
  void setUp() {
    start(8); // records enter at partition 0: prefixes whose home is 0 are counted there, the others go round
  }

  private void start(int accessPartitions) {
    start(accessPartitions, Duration.ofMillis(250));
  }

  private void start(int accessPartitions, Duration flushInterval) {
    start(accessPartitions, flushInterval, CacheBudget.DEFAULT_MOST_PER_STORE);
  }

  private void start(int accessPartitions, Duration flushInterval, int cachedEntries) {
    if (driver != null) {
      driver.close();
    }
    AggregatorSettings d = AggregatorSettings.defaults("unused:9092", RedisEndpoints.of("127.0.0.1:6379", false), state)
        .withStore(AggregatorSettings.StoreType.IN_MEMORY, state);
    AggregatorSettings s = d.withIntervals(flushInterval, d.commitInterval());
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    driver = new TopologyTestDriver(AggregatorTopology.build(s, accessPartitions, sink, metrics, cachedEntries), p,
        Instant.ofEpochMilli(T0));
    in = driver.createInputTopic(s.accessTopic(), new StringSerializer(), new ByteArraySerializer());
    dlq = driver.createOutputTopic(s.dlqTopic(), new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private void send(String ip, long ts, long n, long denied, String caller, String iface) {
    AccessEvent e = new AccessEvent("shop", iface, IpAddress.parse(ip), caller, ts, n, denied, "shop-1:8080");
    in.pipeInput("shop|" + e.ip(), codec.write(e));
  }

  private void flush() {
    driver.advanceWallClockTime(Duration.ofMillis(250));
  }

  private Long second(String ip, long ts) {
    IpAddress a = IpAddress.parse(ip);
    Map<String, Long> z = sink.data.get(KEYS.secondWindow("shop", KEYS.shard(a), ts / 1000));
    return z == null ? null : z.get(a.toString());
  }

  private Long minute(String ip, long ts) {
    IpAddress a = IpAddress.parse(ip);
    Map<String, Long> z = sink.data.get(KEYS.minuteWindow("shop", KEYS.shard(a), ts / 60_000));
    return z == null ? null : z.get(a.toString());
  }

  @Test
  void secondAndMinuteWindows_holdTheSumOfTheirRecords() {
    send("203.0.113.7", T0, 10, 2, null, "GET /");
    send("203.0.113.7", T0 + 100, 5, 0, null, "GET /");
    send("203.0.113.7", T0 + 1_100, 7, 0, null, "POST /");
    send("2001:db8::1", T0 + 200, 3, 3, null, "GET /");
    flush();
    assertThat(second("203.0.113.7", T0)).isEqualTo(15);
    assertThat(second("203.0.113.7", T0 + 1_000)).isEqualTo(7);
    assertThat(minute("203.0.113.7", T0)).isEqualTo(22);
    assertThat(second("2001:db8::1", T0)).isEqualTo(3);
    assertThat(metrics.records()).isEqualTo(4);
    assertThat(metrics.requests()).isEqualTo(25);
    assertThat(dlq.isEmpty()).as("nothing extra came out").isTrue();
    assertThat(sink.data.get(KEYS.totalSecondWindow("shop", T0 / 1000)).values().stream().mapToLong(Long::longValue).sum())
        .as("the app total of the first second").isEqualTo(18);
  }

  @Test
  void flush_writesAbsoluteCountsAndOnlyWhatChanged() {
    send("203.0.113.7", T0, 10, 0, null, "GET /");
    flush();
    flush(); // the /16's share, sent on at the first, is summed and written at the second
    int batches = sink.batches.size();
    int firstWrites = sink.batches.stream().mapToInt(Integer::intValue).sum();
    flush();
    assertThat(sink.batches).as("an idle flush writes nothing").hasSize(batches);
    send("203.0.113.7", T0 + 10, 1, 0, null, "GET /");
    flush();
    flush();
    assertThat(second("203.0.113.7", T0)).as("absolute, not a delta").isEqualTo(11);
    assertThat(sink.batches.subList(batches, sink.batches.size()).stream().mapToInt(Integer::intValue).sum())
        .as("the same windows are rewritten, nothing more").isEqualTo(firstWrites);
  }

  @Test
  void prefixWindows_sumTheAddressesOfOneSubnet() {
    for (int i = 1; i <= 20; i++) {
      send("198.51.100." + i, T0 + i, 2, 0, null, "GET /"); // many addresses: many partitions in production
    }
    send("2001:db8:0:1::5", T0, 4, 0, null, "GET /");
    send("2001:db8:0:1::6", T0, 6, 0, null, "GET /");
    flush();
    Map<String, Long> z = sink.data.get(KEYS.prefixSecondWindow("shop", KEYS.shard("198.51.100.0/24"), T0 / 1000));
    assertThat(z).containsEntry("198.51.100.0/24", 40L);
    Map<String, Long> m = sink.data.get(KEYS.prefixMinuteWindow("shop", KEYS.shard("2001:db8:0:1::/64"), T0 / 60_000));
    assertThat(m).containsEntry("2001:db8:0:1::/64", 10L);
  }

  @Test
  void prefixHierarchy_aRotationOverManyV6AddressesAndSlash64sInsideOneSlash48_isSummedExactlyAtEveryLength() {
    java.util.Random rnd = new java.util.Random(48);
    Map<String, Long> per56 = new HashMap<>();
    long total = 0;
    long firstSecond = 0;
    for (int i = 0; i < 3_000; i++) {
      // 2001:db8:7::/48, a random /64 (subnet id), a random interface id: a fresh address each time
      int subnet = rnd.nextInt(65_536);
      String ip = String.format("2001:db8:7:%x:%x:%x:%x:%x", subnet, rnd.nextInt(65_536), rnd.nextInt(65_536),
          rnd.nextInt(65_536), rnd.nextInt(65_536));
      long ts = T0 + (i % 2) * 1_000 + i % 997; // two seconds of one minute
      long n = 1 + rnd.nextInt(3);
      send(ip, ts, n, 0, null, "GET /");
      total += n;
      firstSecond += i % 2 == 0 ? n : 0;
      per56.merge(dev.portcullis.address.Cidr.covering(IpAddress.parse(ip), 56).toString(), n, Long::sum);
      if (i % 500 == 499) {
        flush(); // shares held and sent on while the traffic goes on
      }
    }
    flush();
    flush();
    assertThat(prefixSecond("2001:db8:7::/48", T0)).as("the /48 in its first second").isEqualTo(firstSecond);
    assertThat(prefixSecond("2001:db8:7::/48", T0 + 1_000)).isEqualTo(total - firstSecond);
    assertThat(prefixMinute("2001:db8:7::/48", T0)).as("the /48 in its minute").isEqualTo(total);
    per56.forEach((prefix, n) -> assertThat(prefixMinute(prefix, T0)).as(prefix).isEqualTo(n));
    // the task's own shares of the wide prefixes, flushed with the addresses for the scanner to sum
    Map<String, Long> shares = sink.data.get(KEYS.prefixShareSecondWindow("shop", T0 / 1000));
    assertThat(shares).as("one member per wide prefix and task, none for a /64").containsEntry("2001:db8:7::/48|0_0", firstSecond)
        .hasSize(1 + (int) per56.keySet().stream().filter(p -> p.startsWith("2001:db8:7:")).count());
    assertThat(sink.data.get(KEYS.prefixShareSecondWindow("shop", T0 / 1000 + 1))).containsEntry("2001:db8:7::/48|0_0",
        total - firstSecond);
  }

  @Test
  void aWidePrefixsShare_reachingItsHomeAfterNewerSecondsOfOtherTasks_stillCountsInItsSecond() {
    // another task's share of a /48 reaches the home only once that task commits (3 s) after its
    // flush: by then the home may hold five newer seconds from faster tasks, more than an address keeps
    for (int sec = 1; sec <= 5; sec++) {
      send("2001:db8:7:" + sec + "::1", T0 + sec * 1_000L, 10, 0, null, "GET /");
    }
    flush();
    send("2001:db8:7:99::1", T0, 3, 0, null, "GET /");
    flush();
    flush();
    assertThat(prefixSecond("2001:db8:7::/48", T0)).as("the late share in its second").isEqualTo(3);
    assertThat(prefixSecond("2001:db8:7::/56", T0)).isEqualTo(3);
    assertThat(prefixSecond("2001:db8:7::/48", T0 + 5_000)).isEqualTo(10);
    assertThat(prefixMinute("2001:db8:7::/48", T0)).isEqualTo(53);
  }

  @Test
  void prefixHierarchy_aRotatingV4Slash24_isSummedInItsSlash16() {
    long total = 0;
    for (int net = 0; net < 40; net++) {
      for (int host = 1; host <= 5; host++) {
        send("172.20." + net + "." + host, T0 + net * 10, 2, 0, null, "GET /");
        total += 2;
      }
    }
    flush();
    flush();
    assertThat(prefixSecond("172.20.0.0/16", T0)).isEqualTo(total);
    assertThat(prefixSecond("172.20.7.0/24", T0)).isEqualTo(10);
  }

  private Long prefixSecond(String prefix, long ts) {
    Map<String, Long> z = sink.data.get(KEYS.prefixSecondWindow("shop", KEYS.shard(prefix), ts / 1000));
    return z == null ? null : z.get(prefix);
  }

  private Long prefixMinute(String prefix, long ts) {
    Map<String, Long> z = sink.data.get(KEYS.prefixMinuteWindow("shop", KEYS.shard(prefix), ts / 60_000));
    return z == null ? null : z.get(prefix);
  }

  @Test
  void aBacklogsOverwrittenWindows_areKeptUpToTheStoresShareOfTheCache_andTheRestCountedAsLost() {
    start(8, Duration.ofMillis(250), 3); // each store's share: 3 entries, and so 3 overwritten windows
    for (int sec = 0; sec < 10; sec++) { // the ring keeps 4: seconds 0-5 of the address, total and node overwritten
      send("203.0.113.7", T0 + sec * 1_000L, sec + 1, 0, null, "GET /");
    }
    flush();
    assertThat(second("203.0.113.7", T0)).as("the first overwritten, kept and written").isEqualTo(1);
    assertThat(second("203.0.113.7", T0 + 1_000)).as("overwritten beyond the bound: lost").isNull();
    assertThat(second("203.0.113.7", T0 + 9_000)).as("the newest, in the ring").isEqualTo(10);
    assertThat(metrics.overwrittenLost()).as("counted").isPositive();
    assertThat(minute("203.0.113.7", T0)).as("the minute is whole").isEqualTo(55);
  }

  @Test
  void aBacklog_runningThroughMoreSecondsThanTheRingKeepsBetweenTwoFlushes_stillWritesEverySecond() {
    // a worker catching up: ten seconds of event time counted before its next flush (the ring keeps 4)
    for (int sec = 0; sec < 10; sec++) {
      send("203.0.113.7", T0 + sec * 1_000L, sec + 1, 0, null, "GET /");
      send("172.20." + sec + ".1", T0 + sec * 1_000L, 2, 0, null, "GET /"); // its /16's share held per second
    }
    flush();
    flush();
    for (int sec = 0; sec < 10; sec++) {
      assertThat(second("203.0.113.7", T0 + sec * 1_000L)).as("second " + sec).isEqualTo(sec + 1);
      assertThat(prefixSecond("172.20.0.0/16", T0 + sec * 1_000L)).as("the /16 in second " + sec).isEqualTo(2);
    }
    assertThat(minute("203.0.113.7", T0)).isEqualTo(55);
    assertThat(metrics.overwrittenLost()).isZero();
  }

  @Test
  void aBacklogMinutesBehindTheWallClock_isCountedWhole_becauseTheSweepFollowsTheRecordsNotTheClock() {
    long behind = T0 - 10 * 60_000L; // a worker catching up on records ten minutes old
    send("203.0.113.7", behind, 3, 0, null, "GET /");
    flush();
    driver.advanceWallClockTime(Duration.ofSeconds(60)); // a sweep, ten minutes after the records' minute
    send("203.0.113.7", behind + 1_000, 4, 0, null, "GET /");
    flush();
    assertThat(minute("203.0.113.7", behind)).as("both records of the minute, not the second alone").isEqualTo(7);
    assertThat(metrics.lateRecords()).isZero();
    assertThat(metrics.lateWindows()).isZero();
  }

  @Test
  void anAddressNoLongerCounted_leavesTheStoreOnceItsMinuteCloses_andALaterRecordOfThatMinuteIsLateNotAPartialCount() {
    send("203.0.113.7", T0, 5, 0, null, "GET /"); // minute m
    flush();
    for (int k = 1; k <= 4; k++) { // other addresses' records move the counted minute on to m + 4
      driver.advanceWallClockTime(Duration.ofSeconds(60));
      send("198.51.100.1", T0 + k * 60_000L, 1, 0, null, "GET /");
    }
    driver.advanceWallClockTime(Duration.ofSeconds(60)); // a sweep once minute m can no longer be counted into
    KeyValueStore<String, byte[]> windows = driver.getKeyValueStore(AggregatorTopology.STORE);
    assertThat(windows.get(StoreKey.Kind.ADDRESS.key("shop|203.0.113.7"))).as("the address's entry").isNull();
    assertThat(windows.get(StoreKey.Kind.ADDRESS.key("shop|198.51.100.1"))).as("an address counted in minute m + 4").isNotNull();

    send("203.0.113.7", T0 + 1_000, 1, 0, null, "GET /"); // four minutes late
    flush();
    assertThat(minute("203.0.113.7", T0)).as("Redis keeps the minute's full count").isEqualTo(5);
    assertThat(metrics.lateRecords()).as("one record, not counted").isEqualTo(1);
    assertThat(metrics.lateWindows()).as("late for the address, the app total and the node, and the /24 and /16").isPositive();
    assertThat(metrics.lateWindowsByKind().get("address")).as("its minute closed: its second and its minute")
        .isEqualTo(Map.of("second", 1L, "minute", 1L));
  }

  @Test
  void theSweep_examinesOneSliceOfTheStoreACall_andItsPassesReachEveryEntryThatCanNoLongerBeCountedInto() {
    int addresses = 2 * WindowCounter.MIN_SWEEP_SLICE + 500; // three slices' worth
    for (int i = 0; i < addresses; i++) {
      send("10.1." + (i / 250) + "." + (i % 250 + 1), T0, 1, 0, null, "GET /"); // minute m
    }
    flush();
    for (int k = 1; k <= 4; k++) { // another address moves the counted minute on to m + 4
      driver.advanceWallClockTime(Duration.ofSeconds(60));
      send("198.51.100.1", T0 + k * 60_000L, 1, 0, null, "GET /");
    }
    KeyValueStore<String, byte[]> windows = driver.getKeyValueStore(AggregatorTopology.STORE);
    assertThat(entriesOf(windows, "s|shop|10.1.")).as("none swept while minute m could be counted into").isEqualTo(addresses);

    driver.advanceWallClockTime(WindowCounter.SWEEP_INTERVAL); // one call
    long left = entriesOf(windows, "s|shop|10.1.");
    assertThat(left).as("one call deletes at most a slice").isLessThan(addresses)
        .isGreaterThanOrEqualTo(addresses - WindowCounter.MIN_SWEEP_SLICE);
    for (int call = 0; call < 3; call++) {
      driver.advanceWallClockTime(WindowCounter.SWEEP_INTERVAL);
    }
    assertThat(entriesOf(windows, "s|shop|10.1.")).as("after a pass").isZero();
    assertThat(windows.get(StoreKey.Kind.ADDRESS.key("shop|198.51.100.1"))).as("an address counted in minute m + 4").isNotNull();
    assertThat(metrics.sweepPasses()).isPositive();
  }

  private static long entriesOf(KeyValueStore<String, byte[]> store, String keyPrefix) {
    long n = 0;
    try (var it = store.all()) {
      while (it.hasNext()) {
        if (it.next().key.startsWith(keyPrefix)) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void aBacklogWhileEveryWindowIsToBeRewritten_stillWritesEverySecond() {
    send("203.0.113.7", T0, 1, 0, null, "GET /");
    sink.failing = true;
    flush(); // fails: every retained window is written again once Redis answers
    sink.failing = false;
    driver.advanceWallClockTime(Duration.ofSeconds(6)); // past the backoff: written, and the rewrite is due
    for (int sec = 1; sec < 10; sec++) { // a backlog before that rewrite runs
      send("203.0.113.7", T0 + sec * 1_000L, sec + 1, 0, null, "GET /");
    }
    flush();
    flush();
    for (int sec = 0; sec < 10; sec++) {
      assertThat(second("203.0.113.7", T0 + sec * 1_000L)).as("second " + sec).isEqualTo(sec + 1);
    }
  }

  @Test
  void aRewriteAfterAnOutage_writesTheStoreASliceAFlush_andChangesMadeMeanwhileReachRedisWhereverItHasGot() {
    start(8, Duration.ofMillis(250), 50); // a cache of 50 entries, which the outage's changes outgrow
    int addresses = 2 * WindowCounter.REWRITE_SLICE + 5_000; // three slices' worth
    sink.failing = true;
    for (int i = 0; i < 100; i++) {
      send(address(i), T0, 1, 0, null, "GET /");
    }
    flush(); // fails, with more changes than the cache holds: none is marked from now on
    for (int i = 100; i < addresses; i++) {
      send(address(i), T0, 1, 0, null, "GET /");
    }
    sink.failing = false;
    long writes = metrics.windowWrites();
    for (int f = 0; f < 8 && metrics.windowWrites() == writes; f++) {
      flush(); // past the backoff: the first slice
    }
    long written = IntStream.range(0, addresses).filter(i -> second(address(i), T0) != null).count();
    assertThat(written).as("addresses written by the first slice").isPositive().isLessThanOrEqualTo(WindowCounter.REWRITE_SLICE);

    String behind = address(0); // the store's first address key: rewritten
    String ahead = "10.2.99.99"; // its last: not yet
    assertThat(second(behind, T0)).isEqualTo(1);
    assertThat(second(ahead, T0)).isNull();
    send(behind, T0 + 100, 1, 0, null, "GET /");
    send(ahead, T0 + 4_000, 1, 0, null, "GET /"); // takes the ring slot of its second T0, not yet written
    for (int f = 0; f < 4; f++) {
      flush();
    }
    for (int i = 0; i < addresses; i++) {
      String ip = address(i);
      assertThat(second(ip, T0)).as(ip).isEqualTo(ip.equals(behind) ? 2 : 1);
      assertThat(minute(ip, T0)).as(ip).isEqualTo(ip.equals(behind) || ip.equals(ahead) ? 2 : 1);
    }
    assertThat(second(ahead, T0 + 4_000)).isEqualTo(1);
    assertThat(metrics.storeRewrites()).isPositive();
    assertThat(metrics.overwrittenLost()).isZero();
  }

  private static String address(int i) {
    return "10.2." + (i / 250) + "." + (i % 250 + 1);
  }

  @Test
  void prefixWindows_areCountedWithoutTheRekeyedTopic_whenRecordsArriveAtTheirPrefixsHome() {
    start(1); // one partition: every prefix's home
    for (int i = 1; i <= 20; i++) {
      send("198.51.100." + i, T0 + i, 2, 0, null, "GET /");
    }
    flush();
    assertThat(sink.data.get(KEYS.prefixSecondWindow("shop", KEYS.shard("198.51.100.0/24"), T0 / 1000)))
        .containsEntry("198.51.100.0/24", 40L);
    assertThat(metrics.prefixesCountedLocally()).as("20 records' /24, and the /16's one share of that second")
        .isEqualTo(21);
  }

  @Test
  void prefixWindows_ofManySubnets_areExactWhetherCountedAtHomeOrSentThere() {
    Map<String, Long> expected = new java.util.HashMap<>();
    for (int net = 0; net < 64; net++) {
      for (int host = 1; host <= 3; host++) {
        send("10.0." + net + "." + host, T0, net + host, 0, null, "GET /");
        expected.merge("10.0." + net + ".0/24", (long) (net + host), Long::sum);
      }
    }
    flush();
    for (var e : expected.entrySet()) {
      assertThat(sink.data.get(KEYS.prefixSecondWindow("shop", KEYS.shard(e.getKey()), T0 / 1000)))
          .as(e.getKey()).containsEntry(e.getKey(), e.getValue());
    }
    for (int net = 0; net < 64; net++) {
      assertThat(second("10.0." + net + ".2", T0)).isEqualTo(net + 2L);
    }
    // with 8 partitions about one prefix in 8 has partition 0 as its home: both paths were taken,
    // and most records, arriving at partition 0 but at home elsewhere, were sent on whole
    assertThat(metrics.prefixesCountedLocally()).isBetween(3L, 64 * 3 - 3L);
    assertThat(metrics.recordsSentHome()).isBetween(3L, 64 * 3 - 3L);
    assertThat(metrics.records()).as("each record counted once").isEqualTo(64 * 3);
  }

  @Test
  void quotas_countPerCallerAndInterfacePerDay() {
    send("203.0.113.7", T0, 10, 0, "partner-42", "GET /export");
    send("203.0.113.8", T0 + 5_000, 5, 0, "partner-42", "GET /export");
    send("203.0.113.8", T0 + 5_000, 1, 0, "partner-7", "GET /export");
    send("203.0.113.8", T0 + 86_400_000L, 3, 0, "partner-42", "GET /export");
    flush(); // a task's shares are sent on at one flush ...
    flush(); // ... and summed and written at the next
    String member = RedisKeys.quotaMember("partner-42", "GET /export");
    assertThat(sink.data.get(KEYS.quotaDay("shop", KEYS.shard(member), 20251123))).containsEntry(member, 15L);
    assertThat(sink.data.get(KEYS.quotaDay("shop", KEYS.shard(member), 20251124))).containsEntry(member, 3L);
  }

  @Test
  void aBusyCallersQuotaCounts_areSummedInTheTaskBeforeTheyAreSentOn() {
    start(1); // every record at home: nothing but the quota shares goes through the rekeyed topic
    TestOutputTopic<String, byte[]> rekeyed = driver.createOutputTopic("portcullis-aggregator-rekeyed",
        new StringDeserializer(), new ByteArrayDeserializer());
    for (int i = 0; i < 200; i++) {
      send("203.0.113." + (i % 50), T0 + i, 1, 0, "partner-42", "GET /export");
    }
    flush();
    flush();
    String member = RedisKeys.quotaMember("partner-42", "GET /export");
    assertThat(sink.data.get(KEYS.quotaDay("shop", KEYS.shard(member), 20251123))).containsEntry(member, 200L);
    String hour = member + "|" + String.format("%02d", java.time.Instant.ofEpochMilli(T0).atZone(java.time.ZoneOffset.UTC).getHour());
    assertThat(sink.data.get(KEYS.quotaHours("shop", KEYS.shard(hour), 20251123))).as("the hour of the day").containsEntry(hour, 200L);
    assertThat(rekeyed.readValuesToList()).as("one share of the day and one of the hour sent on for 200 records").hasSize(2);
  }

  @Test
  void theMinuteSweep_readsAQuotaShareHeldSinceTheLastFlushAsAQuotaCount() {
    start(8, Duration.ofMillis(700)); // flushes at 59.5 s and 60.2 s, the sweep at 60 s
    driver.advanceWallClockTime(Duration.ofMillis(59_600));
    send("203.0.113.7", T0, 4, 0, "partner-42", "GET /export"); // held until the flush at 60.2 s
    driver.advanceWallClockTime(Duration.ofMillis(400)); // the sweep runs while the share is held
    driver.advanceWallClockTime(Duration.ofMillis(700)); // the share is sent on ...
    driver.advanceWallClockTime(Duration.ofMillis(700)); // ... and summed and written
    String member = RedisKeys.quotaMember("partner-42", "GET /export");
    assertThat(sink.data.get(KEYS.quotaDay("shop", KEYS.shard(member), 20251123))).containsEntry(member, 4L);
  }

  @Test
  void poisonRecords_goToTheDeadLetterTopicWithTheReasonAndDoNotStopTheTask() {
    in.pipeInput("shop|1.2.3.4", "not json".getBytes(StandardCharsets.UTF_8));
    in.pipeInput("shop|1.2.3.4", "{\"v\":1,\"app\":\"shop\"}".getBytes(StandardCharsets.UTF_8));
    AccessEvent e = new AccessEvent("shop", "GET /", IpAddress.parse("10.0.0.1"), null, T0, 1, 0, "n");
    in.pipeInput("shop|10.0.0.2", codec.write(e));
    in.pipeInput("shop|10.0.0.1", null);
    send("203.0.113.7", T0, 4, 0, null, "GET /");
    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(4);
    assertThat(new String(dead.get(0).headers().lastHeader(AccessProcessor.ERROR_HEADER).value(), StandardCharsets.UTF_8))
        .contains("not valid JSON");
    assertThat(new String(dead.get(1).headers().lastHeader(AccessProcessor.ERROR_HEADER).value(), StandardCharsets.UTF_8))
        .contains("iface is required");
    assertThat(new String(dead.get(2).headers().lastHeader(AccessProcessor.ERROR_HEADER).value(), StandardCharsets.UTF_8))
        .contains("does not match its content");
    assertThat(dead.get(3).value()).isNull();
    assertThat(metrics.deadLettered()).isEqualTo(4);
    flush();
    assertThat(second("203.0.113.7", T0)).as("the good record after the poison").isEqualTo(4);
  }

  @Test
  void lateRecords_beyondTheRetainedWindowsAreCountedAndDropped() {
    send("203.0.113.7", T0 + 10_000, 1, 0, null, "GET /");
    send("203.0.113.7", T0 + 8_000, 1, 0, null, "GET /"); // 2 s late: inside 4 retained seconds
    send("203.0.113.7", T0 + 6_000, 1, 0, null, "GET /"); // 4 s late: its slot holds a newer second
    flush();
    assertThat(second("203.0.113.7", T0 + 8_000)).isEqualTo(1);
    assertThat(second("203.0.113.7", T0 + 6_000)).isNull();
    assertThat(metrics.lateRecords()).as("counted in its minute").isZero();
    assertThat(metrics.lateWindows()).as("late for the address, its /16's held share and the task's own share of it, the app"
        + " total and the node (a prefix keeps more seconds: its /24 counts it)").isEqualTo(5);
    Map<String, Long> secondLate = Map.of("second", 1L, "minute", 0L);
    assertThat(metrics.lateWindowsByKind()).as("late windows by the kind of entry and the window that missed them")
        .containsEntry("address", secondLate).containsEntry("held_prefix", Map.of("second", 1L))
        .containsEntry("prefix_share", secondLate).containsEntry("total", secondLate).containsEntry("node", secondLate)
        .containsEntry("prefix", Map.of("second", 0L, "minute", 0L)).containsEntry("quota", Map.of("day", 0L));
    assertThat(minute("203.0.113.7", T0)).as("the late record still counts in its minute").isEqualTo(3);
  }

  @Test
  void redisDown_countingGoesOnAndTheLatestValuesAreWrittenWhenItReturns() {
    send("203.0.113.7", T0, 5, 0, null, "GET /");
    sink.failing = true;
    flush();
    send("203.0.113.7", T0 + 10, 5, 0, null, "GET /");
    flush();
    assertThat(metrics.flushFailures()).isPositive();
    assertThat(metrics.redisHealthy()).isFalse();
    sink.failing = false;
    driver.advanceWallClockTime(Duration.ofSeconds(6)); // past the backoff
    assertThat(second("203.0.113.7", T0)).isEqualTo(10);
    assertThat(metrics.redisHealthy()).isTrue();
  }

  @Test
  void aFailoverToAReplicaThatLacksAcknowledgedWrites_andNoFailedWrite_rewritesEveryRetainedWindow() {
    send("203.0.113.7", T0, 5, 0, null, "GET /");
    send("2001:db8:7:1::9", T0, 2, 0, null, "GET /");
    flush();
    assertThat(second("203.0.113.7", T0)).isEqualTo(5);
    // the master acknowledged, then died before its replica had the writes; the task has nothing more to
    // write, so no write of it fails: only the changed slot map tells
    sink.data.clear();
    flush();
    assertThat(second("203.0.113.7", T0)).as("nothing rewritten while the same nodes serve").isNull();
    sink.serving = "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7004";
    long rewrites = metrics.storeRewrites();
    flush();
    assertThat(metrics.storeRewrites()).as("each task's store").isGreaterThan(rewrites);
    assertThat(second("203.0.113.7", T0)).isEqualTo(5);
    assertThat(minute("203.0.113.7", T0)).isEqualTo(5);
    assertThat(prefixSecond("2001:db8:7::/48", T0)).isEqualTo(2);
    assertThat(sink.data.get(KEYS.prefixShareSecondWindow("shop", T0 / 1000))).containsEntry("2001:db8:7::/48|0_0", 2L);
  }

  @Test
  void aRedisOutageLongerThanTheCacheHolds_keepsNoChangeInMemory_andRewritesTheStoreWhenRedisReturns() {
    start(1, Duration.ofMillis(250), 50); // a cache of 50 entries per store
    sink.failing = true;
    for (int i = 0; i < 300; i++) {
      send(outageAddress(i), T0 + i, 2, 0, null, "GET /");
    }
    flush();
    assertThat(metrics.flushFailures()).isPositive();
    for (int i = 0; i < 300; i++) { // more traffic while Redis is still away
      send(outageAddress(i), T0 + i, 1, 0, null, "GET /");
    }
    flush();
    assertThat(metrics.pendingEntries()).as("no changed entry held for Redis beyond the cache").isLessThanOrEqualTo(50);
    long rewritesBefore = metrics.storeRewrites();
    sink.failing = false;
    driver.advanceWallClockTime(Duration.ofSeconds(6)); // past the backoff
    assertThat(metrics.storeRewrites()).as("the stores rewritten once Redis answers").isGreaterThan(rewritesBefore);
    for (int i = 0; i < 300; i++) {
      String ip = outageAddress(i);
      assertThat(second(ip, T0 + i)).as(ip).isEqualTo(3);
    }
  }

  /** The {@code i}th of the 300 addresses the outage tests send from (two /24s). */
  private static String outageAddress(int i) {
    return "198.51." + (100 + i / 250) + "." + (i % 250);
  }

  /** {@code n} IPv4 addresses of 10.0.0.0/16 that share one Redis shard. */
  private static List<String> addressesOfOneShard(int n) {
    List<String> out = new ArrayList<>();
    int shard = KEYS.shard(IpAddress.ofV4(0x0A000001));
    for (int i = 1; out.size() < n; i++) {
      IpAddress a = IpAddress.ofV4(0x0A000000 + i);
      if (KEYS.shard(a) == shard) {
        out.add(a.toString());
      }
    }
    return out;
  }

  @Test
  void aRedisOutageOfMinutesLongerThanTheCacheHolds_writesTheMinutesOfAddressesThatWentQuietMeanwhile() {
    start(1, Duration.ofMillis(250), 50); // a cache of 50 entries per store
    sink.failing = true;
    for (int i = 0; i < 300; i++) {
      send(outageAddress(i), T0 + i, 1, 0, null, "GET /");
    }
    flush(); // fails: more changed entries than the cache holds, so they are no longer marked one by one
    for (int sec = 1; sec <= 330; sec++) { // five minutes more of traffic from another address, Redis still away
      send("203.0.113.9", T0 + sec * 1_000L, 1, 0, null, "GET /");
      driver.advanceWallClockTime(Duration.ofSeconds(1));
    }
    sink.failing = false;
    driver.advanceWallClockTime(Duration.ofSeconds(6)); // past the backoff
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    for (int i = 0; i < 300; i++) {
      String ip = outageAddress(i);
      assertThat(minute(ip, T0)).as(ip).isEqualTo(1);
    }
  }

  @Test
  void aMinuteNoLongerCountedOrJudged_keepsOnlyItsHighestMembers_andTheOpenMinutesAndTheSecondsKeepThemAll() {
    List<String> ips = addressesOfOneShard(150);
    int shard = KEYS.shard(IpAddress.parse(ips.get(0)));
    long m = T0 / 60_000;
    for (int i = 0; i < ips.size(); i++) {
      send(ips.get(i), T0 + i, i + 1, 0, null, "GET /"); // minute m: 1..150 requests
    }
    flush();
    driver.advanceWallClockTime(Duration.ofSeconds(60)); // minute m + 1
    for (int i = 0; i < ips.size(); i++) {
      send(ips.get(i), T0 + 60_000 + i, i + 1, 0, null, "GET /");
    }
    flush();
    assertThat(sink.data.get(KEYS.minuteWindow("shop", shard, m))).as("the minute before the current one, judged")
        .hasSize(150);

    driver.advanceWallClockTime(Duration.ofSeconds(60)); // minute m + 2: minute m is past
    Map<String, Long> past = sink.data.get(KEYS.minuteWindow("shop", shard, m));
    assertThat(past).as("a past minute keeps its highest members").hasSize(RedisKeys.PAST_MINUTE_MEMBERS);
    for (int i = 0; i < ips.size(); i++) {
      assertThat(past.get(ips.get(i))).as(ips.get(i)).isEqualTo(i < 50 ? null : Long.valueOf(i + 1));
    }
    assertThat(sink.data.get(KEYS.minuteWindow("shop", shard, m + 1))).as("the minute before the current one")
        .hasSize(150);
    assertThat(sink.data.get(KEYS.secondWindow("shop", shard, T0 / 1000))).as("seconds live 2 min, whole").hasSize(150);
    assertThat(sink.trimmed).as("the prefix windows of that minute too")
        .contains(KEYS.prefixMinuteWindow("shop", KEYS.shard("10.0.0.0/24"), m));

    // a late record of that minute (its address's ring still holds it): written with its absolute count
    // and trimmed in the same write
    send(ips.get(0), T0 + 5, 200, 0, null, "GET /");
    flush();
    past = sink.data.get(KEYS.minuteWindow("shop", shard, m));
    assertThat(past).hasSize(RedisKeys.PAST_MINUTE_MEMBERS).containsEntry(ips.get(0), 201L)
        .doesNotContainKey(ips.get(50));

    driver.advanceWallClockTime(Duration.ofSeconds(60));
    assertThat(sink.data.get(KEYS.minuteWindow("shop", shard, m + 1))).hasSize(RedisKeys.PAST_MINUTE_MEMBERS);
  }

  @Test
  void aTrimOfPastMinutesThatFails_isRetriedOnceRedisAnswers() {
    List<String> ips = addressesOfOneShard(120);
    int shard = KEYS.shard(IpAddress.parse(ips.get(0)));
    for (int i = 0; i < ips.size(); i++) {
      send(ips.get(i), T0 + i, i + 1, 0, null, "GET /");
    }
    flush();
    driver.advanceWallClockTime(Duration.ofSeconds(60));
    sink.failing = true;
    driver.advanceWallClockTime(Duration.ofSeconds(60)); // the minute is past, Redis away
    assertThat(metrics.flushFailures()).isPositive();
    assertThat(sink.data.get(KEYS.minuteWindow("shop", shard, T0 / 60_000))).hasSize(120);
    sink.failing = false;
    driver.advanceWallClockTime(Duration.ofSeconds(6)); // past the backoff
    assertThat(sink.data.get(KEYS.minuteWindow("shop", shard, T0 / 60_000))).hasSize(RedisKeys.PAST_MINUTE_MEMBERS);
  }
}
