package dev.portcullis.aggregator.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A task's shares of counts that another task sums (quota days and hours, wide prefixes' seconds): held
 * in the task's store (so a crash loses nothing the last commit covered) and handed on, then deleted, at
 * each drain. A share whose slot a newer window takes before the drain (a backlog runs through more
 * seconds than the ring keeps) is kept aside and handed on with the next drain; at most the store's
 * share of its worker's {@link CacheBudget} ({@link WriteBackStore#maxEntries()}). Not thread-safe: one stream thread owns a task.
 */
final class HeldShares {

  /** Receives the windows of held entries. */
  interface Sink {
    /**
     * @param kind         {@link StoreKey.Kind#HELD_QUOTA}, {@link StoreKey.Kind#HELD_QUOTA_HOUR} or {@link StoreKey.Kind#HELD_PREFIX}
     * @param appAndMember {@code <app>|<caller>|<iface>} (with {@code |HH} for an hour) or {@code <app>|<prefix>}
     */
    void accept(StoreKey.Kind kind, String appAndMember, long windowStart, long n, long denied);
  }

  private record Share(StoreKey.Kind kind, String appAndMember, long start, long n, long denied) {}

  /** In an entry's marks: held (cached until drained), never flushed. */
  private static final long HELD_MARK = Long.MIN_VALUE;

  private final AggregatorMetrics metrics;
  private final Function<StoreKey.Kind, WindowState> newState;
  private final List<WriteBackStore.Entry> held = new ArrayList<>();
  private final List<Share> overwritten = new ArrayList<>();

  /** @param newState a fresh state for an entry of a kind */
  HeldShares(AggregatorMetrics metrics, Function<StoreKey.Kind, WindowState> newState) {
    this.metrics = metrics;
    this.newState = newState;
  }

  /** An entry restored from the store: counted before the last commit, not yet handed on. */
  void restored(WriteBackStore.Entry e) {
    if (e.marks == 0) {
      e.marks = HELD_MARK;
      held.add(e);
    }
  }

  void hold(WriteBackStore store, StoreKey.Kind kind, String appAndMember, long[] windowStarts, long n, long denied,
      Function<byte[], WindowState> decode) {
    WriteBackStore.Entry e = store.entry(kind.key(appAndMember), decode);
    if (e.state == null) {
      e.state = newState.apply(kind);
    }
    boolean changed = false;
    for (int ring = 0; ring < windowStarts.length; ring++) {
      int target = e.state.slotOf(ring, windowStarts[ring]);
      long old = e.state.start(target);
      if (old != Long.MIN_VALUE && old < windowStarts[ring]) {
        if (overwritten.size() < store.maxEntries()) {
          overwritten.add(new Share(kind, appAndMember, old, e.state.count(target), e.state.denied(target)));
        } else {
          metrics.overwrittenLost.increment();
        }
      }
      if (e.state.add(ring, windowStarts[ring], n, denied) == WindowState.LATE) {
        metrics.lateWindow(kind, ring);
      } else {
        changed = true;
      }
    }
    if (changed) {
      store.changed(e);
      restored(e);
    }
  }

  /** Hands every held window to {@code sink} and deletes the held entries. */
  void drain(WriteBackStore store, Sink sink) {
    for (Share s : overwritten) {
      sink.accept(s.kind(), s.appAndMember(), s.start(), s.n(), s.denied());
    }
    overwritten.clear();
    for (WriteBackStore.Entry e : held) {
      WindowState st = e.state;
      if (st != null) {
        StoreKey key = StoreKey.parse(e.key);
        for (int slot = 0; slot < st.slots(); slot++) {
          if (st.start(slot) != Long.MIN_VALUE) {
            sink.accept(key.kind(), key.app() + '|' + key.member(), st.start(slot), st.count(slot), st.denied(slot));
          }
        }
      }
      e.marks = 0;
      store.delete(e.key);
    }
    held.clear();
  }
}
