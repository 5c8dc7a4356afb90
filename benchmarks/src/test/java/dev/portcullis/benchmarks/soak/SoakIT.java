package dev.portcullis.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.aggregator.AggregatorSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The soak for 60 s in the build (the 10-minute run is {@link SoakHarness}, BENCHMARKS.md): a million
 * benign Zipf users, 90,000 fresh IPv6 addresses from one /48, a rotating /24 scraper, Redis
 * stopped for 10 s (coming back empty) and an aggregator SIGKILLed and restarted, on real servers.
 * It asserts the bounds and the outcomes, not speed.
 */
class SoakIT {

  /**
   * Fresh IPv6 addresses a second: what the two aggregators absorb on these 2 cores beside everything
   * else and the rest of the build's load. At 16,700 a second (a million in the minute) they fell 40 s
   * behind (BENCHMARKS.md §15); at 3,000 a second, one run in CI fell behind enough that neither
   * attacker was intercepted within the minute.
   */
  private static final int V6_PER_SECOND = 1_500;

  @Test
  void aMinuteUnderAttackAndFailure_staysBounded_catchesTheAttackers_spareTheUsers_andCountsExactly() throws Exception {
    Soak.Report r = Soak.run(new Soak.Settings(Duration.ofSeconds(60), Duration.ofSeconds(15), 1_000_000,
        new SoakTraffic.Rates(1_000, V6_PER_SECOND, 300), Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(32)),
        System.out::println);
    System.out.println(r.markdown());
    assertThat(r.v6Sent()).as("fresh IPv6 addresses").isGreaterThan(V6_PER_SECOND * 55L);
    assertThat(r.benignRefused()).as("benign requests refused (first: %s)", r.firstBenignRefusal()).isZero();
    assertThat(r.v6InterceptedAfterMillis()).as("the rotating /48 intercepted").isNotNegative();
    assertThat(r.scraperInterceptedAfterMillis()).as("the /24 scraper intercepted").isNotNegative();
    assertThat(r.sampledWindows()).as("windows of the heaviest users compared after Redis came back").isPositive();
    // exact, but for requests a client reported a second late (its emitter over 2 s behind), which it counts:
    // each moves one request from a window into the next
    assertThat(r.mismatchedRequests()).as("requests by which their counts in Redis differ (%s); the clients counted %d"
        + " requests in a later second", r.mismatches(), r.countedLater()).isLessThanOrEqualTo(2 * r.countedLater());
    assertThat(r.maxMembers()).as("members of any window key: the Redis bound").isBetween(1L, 10_000L);
    for (SoakRow row : r.rows()) {
      assertThat(row.droppedAccesses()).as("accesses the clients dropped at %d s", row.atSeconds()).isZero();
      for (long heap : row.aggregatorHeapMb()) {
        assertThat(heap).as("an aggregator's heap after GC at %d s (MB)", row.atSeconds()).isLessThan(700);
      }
      assertThat(row.interceptsHeld()).as("intercepts a client holds").isLessThan(1_000);
      assertThat(row.rocksDbMemoryMb()).as("the aggregators' RocksDB memory at %d s (MB)", row.atSeconds())
          .isLessThanOrEqualTo((long) row.aggregatorHeapMb().length * AggregatorSettings.DEFAULT_STORE_MEMORY_MB);
    }
    assertThat(r.rows().stream().mapToLong(SoakRow::storeEntries).max().orElse(0))
        .as("entries in the aggregators' stores, as RocksDB estimates them").isPositive();
  }
}
