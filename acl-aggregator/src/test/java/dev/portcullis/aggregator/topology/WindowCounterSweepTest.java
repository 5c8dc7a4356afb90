package dev.portcullis.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import dev.portcullis.aggregator.flush.WindowWrite;
import dev.portcullis.redis.RedisEndpoints;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep reads entries as last written back, without writing back first; between commits a cached entry
 * can be newer than that (Kafka Streams' test driver commits after every record, so the topology tests never
 * see this).
 */
class WindowCounterSweepTest {

  private static final long T0 = 1_763_880_000_000L; // a minute boundary
  private static final String KEPT = StoreKey.Kind.ADDRESS.key("shop|203.0.113.7");
  private static final String GONE = StoreKey.Kind.ADDRESS.key("shop|198.51.100.1");

  /** Redis, answering every write. */
  private static final WindowSink SINK = new WindowSink() {
    @Override public int write(List<WindowWrite> batch) { return batch.size(); }
    @Override public int trim(Collection<String> keys, int keep) { return keys.size(); }
    @Override public String servingNodes() { return "127.0.0.1:6379"; }
    @Override public void close() {}
  };

  @TempDir
  Path state;

  @Test
  void anEntryCountedAgainSinceTheLastCommit_isJudgedByItsChange_notByWhatTheStoreLastHad() {
    SortedMapStore inner = new SortedMapStore();
    WriteBackStore store = new WriteBackStore(inner, 100);
    AggregatorSettings settings = AggregatorSettings.defaults("unused:9092", RedisEndpoints.of("127.0.0.1:6379", false), state);
    WindowCounter counter = new WindowCounter(settings, SINK, new AggregatorMetrics());
    counter.init(store, T0);
    long m = T0 / 60_000;
    counter.update(StoreKey.Kind.ADDRESS, KEPT, new long[] {T0 / 1000, m}, 1, 0);
    counter.update(StoreKey.Kind.ADDRESS, GONE, new long[] {T0 / 1000, m}, 1, 0);
    counter.flush(T0 + 250);
    store.flushCache(); // a commit: the store has both in minute m

    long later = T0 + 4 * 60_000; // minute m + 4: minute m can no longer be counted into
    counter.flush(later);
    counter.update(StoreKey.Kind.ADDRESS, KEPT, new long[] {later / 1000, m + 4}, 1, 0); // not yet committed
    counter.flush(later + 250);
    assertThat(WindowCounter.MIN_SWEEP_SLICE).as("one call sweeps this store whole").isGreaterThan(2);
    counter.sweep(later + 500);
    store.flushCache();

    assertThat(inner.data).as("counted in minute m + 4, though the store last had minute m").containsKey(KEPT);
    assertThat(inner.data).as("counted in minute m only").doesNotContainKey(GONE);
  }
}
