package dev.portcullis.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

class WriteBackStoreTest {

  private static final Function<byte[], WindowState> DECODE = b -> new WindowState(2).decode(b);

  private final SortedMapStore inner = new SortedMapStore();

  private static WindowState counted(long windowStart, long n) {
    WindowState st = new WindowState(2);
    st.add(0, windowStart, n, 0);
    return st;
  }

  /** Counts {@code n} into window 10 of a new state for {@code key}, as the counter would. */
  private static void count(WriteBackStore store, String key, long n) {
    WriteBackStore.Entry e = store.entry(key, DECODE);
    e.state = counted(10, n);
    store.changed(e);
  }

  @Test
  void changes_reachTheInnerStoreOnlyAtCommit_onceEachHoweverOftenTheyChanged() {
    WriteBackStore store = new WriteBackStore(inner, 100);
    WriteBackStore.Entry e = store.entry("s|shop|198.51.100.7", DECODE);
    e.state = counted(10, 1);
    for (int i = 0; i < 5; i++) {
      e.state.add(0, 10, 1, 0);
      store.changed(e);
    }
    assertThat(inner.data).isEmpty();
    store.commit(Map.of());
    assertThat(inner.writes).isEqualTo(1);
    assertThat(DECODE.apply(inner.data.get("s|shop|198.51.100.7")).count(0)).isEqualTo(6);
  }

  @Test
  void flushCache_theStepBeforeATransactionCommits_writesEveryChangeBack() {
    // Kafka Streams calls flush() and commit() only after the transaction: a change written back
    // there would belong to the next transaction, and a crash in between would lose it
    WriteBackStore store = new WriteBackStore(inner, 100);
    count(store, "k", 7);
    store.flushCache();
    assertThat(DECODE.apply(inner.data.get("k")).count(0)).isEqualTo(7);
  }

  @Test
  void writtenFrom_readsTheInnerStoreFromAKeyOn_withoutWritingBackWhatIsCached() {
    WriteBackStore store = new WriteBackStore(inner, 100);
    count(store, "a", 1);
    count(store, "b", 2);
    count(store, "c", 3);
    store.flushCache();
    count(store, "b", 20); // changed, not yet written back
    count(store, "d", 4); // new, not yet written back
    List<String> seen = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.writtenFrom("a" + '\0')) {
      it.forEachRemaining(kv -> seen.add(kv.key + "=" + DECODE.apply(kv.value).count(0)));
    }
    assertThat(seen).containsExactly("b=2", "c=3");
    assertThat(store.cached("b").state.count(0)).as("the cache has the change").isEqualTo(20);
    assertThat(inner.writes).as("nothing written back").isEqualTo(3);
  }

  @Test
  void close_discardsWhatWasNotWrittenBack() {
    WriteBackStore store = new WriteBackStore(inner, 100);
    count(store, "k", 3);
    store.close();
    assertThat(inner.data).isEmpty();
  }

  @Test
  void aDelete_readsAbsentAtOnceAndReachesTheInnerStoreAtCommit() {
    inner.data.put("k", counted(10, 3).encode());
    WriteBackStore store = new WriteBackStore(inner, 100);
    assertThat(DECODE.apply(store.delete("k")).count(0)).isEqualTo(3);
    assertThat(store.get("k")).isNull();
    assertThat(store.entry("k", DECODE).state).isNull();
    assertThat(inner.data).containsKey("k");
    store.commit(Map.of());
    assertThat(inner.data).doesNotContainKey("k");
  }

  @Test
  void overTheBound_writtenUnmarkedEntriesAreDropped_andReloadedWhenUsedAgain() {
    WriteBackStore store = new WriteBackStore(inner, 2);
    for (String k : List.of("a", "b", "c")) {
      count(store, k, k.charAt(0));
    }
    store.entry("b", DECODE).marks = 1; // its owner still has to flush it
    store.commit(Map.of());
    assertThat(store.cachedEntries()).isEqualTo(1);
    assertThat(store.cached("b")).isNotNull();
    assertThat(store.entry("a", DECODE).state.count(0)).isEqualTo('a');
  }

  @Test
  void storesSharingABudget_eachKeepItsShareOfTheTotal_whichGrowsBackAsOthersClose() {
    CacheBudget budget = new CacheBudget(300, 200, 50);
    WriteBackStore first = new WriteBackStore(inner, budget);
    WriteBackStore second = new WriteBackStore(new SortedMapStore(), budget);
    WriteBackStore third = new WriteBackStore(new SortedMapStore(), budget);
    for (WriteBackStore s : List.of(first, second, third)) {
      s.init(null, s);
    }
    assertThat(first.maxEntries()).as("300 over three stores").isEqualTo(100);
    for (int i = 0; i < 250; i++) {
      count(first, "k" + i, 1);
    }
    first.commit(Map.of());
    assertThat(first.cachedEntries()).as("over its share: the written entries dropped").isZero();
    third.close();
    third.close(); // closing twice frees its share once
    assertThat(first.maxEntries()).as("300 over two stores").isEqualTo(150);
    second.close();
    assertThat(first.maxEntries()).as("300 for one store, but at most 200").isEqualTo(200);
    for (int i = 0; i < 200; i++) {
      count(first, "k" + i, 1);
    }
    first.commit(Map.of());
    assertThat(first.cachedEntries()).as("within its share: kept").isEqualTo(200);
  }

  @Test
  void aBudget_givesEachOpenStoreAnEqualShare_neverBelowTheLeastNorAboveTheMost() {
    CacheBudget budget = new CacheBudget(1_600_000, 200_000, 10_000);
    assertThat(budget.share()).as("no store open yet").isEqualTo(200_000);
    for (int i = 0; i < 8; i++) {
      budget.opened();
    }
    assertThat(budget.share()).as("eight stores: four tasks").isEqualTo(200_000);
    for (int i = 0; i < 16; i++) {
      budget.opened();
    }
    assertThat(budget.share()).as("24 stores: twelve tasks").isEqualTo(66_666);
    for (int i = 0; i < 200; i++) {
      budget.opened();
    }
    assertThat(budget.share()).as("224 stores").isEqualTo(10_000);
    assertThat(CacheBudget.fixed(7).share()).isEqualTo(7);
    assertThatThrownBy(() -> new CacheBudget(100, 10, 20)).hasMessageContaining("least <= most");
  }

  @Test
  void iteration_seesEveryChangeNotYetWrittenBack() {
    WriteBackStore store = new WriteBackStore(inner, 100);
    count(store, "k", 4);
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    assertThat(keys).containsExactly("k");
  }
}
