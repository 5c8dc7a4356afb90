package dev.portcullis.aggregator.topology;

import dev.portcullis.address.IpAddress;
import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.flush.WindowSink;
import dev.portcullis.aggregator.flush.WindowWrite;
import dev.portcullis.redis.RedisKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counting into one store of {@link WindowState} entries, remembering which windows changed, and
 * flushing them as absolute counts. Shared by the processors of the topology; each task has its
 * own instance over its own store. Not thread-safe: one stream thread owns a task.
 */
final class WindowCounter {

  private static final Logger LOG = LoggerFactory.getLogger(WindowCounter.class);

  private final AggregatorSettings settings;
  private final WindowSink sink;
  private final AggregatorMetrics metrics;
  private final RedisWindowWrites writes;
  private final List<WriteBackStore.Entry> marked = new ArrayList<>(); // entries to flush to Redis
  private final HeldShares shares;
  /**
   * Windows whose slot a newer window took before they were written: a backlog (catching up after an
   * outage or a restart) runs through more seconds of event time between two flushes than a ring
   * keeps. Written with the next flush; at most the store's share of its worker's {@link CacheBudget}
   * ({@link WriteBackStore#maxEntries()}), so that a worker's heap does not grow with its number of tasks here either.
   */
  private final List<WindowWrite> overwritten = new ArrayList<>();
  private final Function<byte[], WindowState> decodeAddress;
  private final Function<byte[], WindowState> decodePrefix;
  private final Function<byte[], WindowState> decodeQuota;
  /**
   * The 1 s windows a prefix entry keeps: a wide prefix's shares reach its home task a flush interval
   * and a commit after their second (they pass the rekeyed topic, read committed), later than the
   * newest second another task's share may have brought, so its ring keeps that much more than an
   * address's; with the defaults (flush 250 ms, commit 3 s) 9 seconds instead of 4.
   */
  private final int prefixSecondWindows;
  private WriteBackStore store;
  private long retryAt;
  private long backoffMillis;
  /**
   * True while Redis must get every retained window again: at start (a restored store), after a failed
   * write (a master that failed may have acknowledged writes it never passed to its replica: Redis Cluster
   * replicates asynchronously) and after a failover. The store is rewritten a slice a flush
   * ({@link #rewriteSlice}), between which records are counted; a failure starts it again from the first key.
   */
  private boolean rewriting;
  private final StoreWalk rewriteWalk = new StoreWalk();
  /**
   * True while Redis is away and the changes made meanwhile have outgrown the cache: changes are then not
   * marked one by one (marks would pin every changed entry in memory), and the rewrite, which reaches every
   * entry, writes them. Ends with the rewrite's first slice that Redis takes.
   */
  private boolean unmarked;
  /**
   * The newest minute counted into (event time, never ahead of the wall clock: a client with a clock an
   * hour fast must not close the present), and the first minute still counted: {@code minuteWindows}
   * before it (a fresh address's entry may take a record that old; a key's ring keeps one minute less), never
   * moving back. A record of an earlier minute is late for every window (its entry may
   * be gone, and counting it into a new one would write a partial count over the full one in Redis);
   * an entry whose newest minute is earlier can never be counted into again, and {@link #sweep} deletes
   * it. Both follow the records, not the wall clock, so a worker catching up on a backlog keeps the
   * entries it is still counting.
   */
  private long countedMinute = Long.MIN_VALUE;
  private long firstOpenMinute = Long.MIN_VALUE;
  /** The wall clock's minute at the last flush (the bound on {@link #countedMinute}). */
  private long wallMinute;
  /** The nodes the sink wrote to at the last flush (null before the first). */
  private String servingNodes;
  /** The entries one slice of a rewrite writes, in one flush. */
  static final int REWRITE_SLICE = 10_000;
  /** How often a task calls {@link #sweep}. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
  /** The fewest entries one call of {@link #sweep} examines. */
  static final int MIN_SWEEP_SLICE = 1_000;
  /** The calls of {@link #sweep} a pass over the whole store takes (with slices above the least). */
  static final int SWEEP_PASS_CALLS = 50;
  private final StoreWalk sweepWalk = new StoreWalk();

  WindowCounter(AggregatorSettings settings, WindowSink sink, AggregatorMetrics metrics) {
    this.settings = settings;
    this.sink = sink;
    this.metrics = metrics;
    this.writes = new RedisWindowWrites(new RedisKeys(settings.shards()));
    this.prefixSecondWindows = prefixSecondWindows(settings);
    this.decodeAddress = bytes -> newState(StoreKey.Kind.ADDRESS).decode(bytes);
    this.decodePrefix = bytes -> newState(StoreKey.Kind.PREFIX).decode(bytes);
    this.decodeQuota = bytes -> newState(StoreKey.Kind.QUOTA).decode(bytes);
    this.shares = new HeldShares(metrics, this::newState);
  }

  /**
   * Binds the task's store; the first flush rewrites every retained window (streamed from the store,
   * not held in memory), and restored held shares are sent on.
   */
  void init(WriteBackStore taskStore, long wallClockMillis) {
    this.store = taskStore;
    this.wallMinute = wallClockMillis / 60_000;
    List<String> held = new ArrayList<>();
    boolean any = false;
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        String key = it.next().key;
        StoreKey.Kind kind = StoreKey.kindOf(key);
        if (kind != null && kind.held()) {
          held.add(key);
        } else {
          any = true;
        }
      }
    }
    for (String key : held) {
      shares.restored(store.entry(key, decoderFor(key))); // counted before the last commit, not yet sent on
    }
    rewriting = any;
  }

  private Function<byte[], WindowState> decoderFor(String key) {
    return decoderFor(StoreKey.kindOf(key));
  }

  private Function<byte[], WindowState> decoderFor(StoreKey.Kind kind) {
    if (kind == null) {
      return decodeAddress;
    }
    return kind.daily() ? decodeQuota : kind == StoreKey.Kind.PREFIX ? decodePrefix : decodeAddress;
  }

  /** {@code secondWindows} and the seconds a share may take to reach its home task after another's, and one more. */
  static int prefixSecondWindows(AggregatorSettings settings) {
    long handOn = settings.flushInterval().toMillis() + settings.commitInterval().toMillis();
    return Math.min(60, settings.secondWindows() + (int) ((handOn + 999) / 1000) + 1);
  }


  /**
   * Adds to this task's share of a quota day of {@code appAndMember} ({@code <app>|<caller>|<iface>}),
   * or of a wide prefix's second ({@link StoreKey.Kind#HELD_PREFIX}, {@code <app>|<prefix>}, one window
   * start: the second): summed here, in the store (so a crash loses nothing the last commit covered),
   * and handed on by {@link #drainHeld}, never flushed to Redis.
   */
  void hold(StoreKey.Kind kind, String appAndMember, long[] windowStarts, long n, long denied) {
    shares.hold(store, kind, appAndMember, windowStarts, n, denied, decoderFor(kind));
  }

  /** Hands every held window to {@code sink} and deletes the held entries. */
  void drainHeld(HeldShares.Sink sink) {
    shares.drain(store, sink);
  }

  private void mark(WriteBackStore.Entry e, long mask) {
    if (e.marks == 0) {
      marked.add(e);
    }
    e.marks |= mask;
  }

  private WindowState newState(StoreKey.Kind kind) {
    if (kind.daily()) {
      return new WindowState(3);
    }
    return new WindowState(kind == StoreKey.Kind.PREFIX ? prefixSecondWindows : settings.secondWindows(),
        settings.minuteWindows());
  }

  /**
   * Adds {@code n} requests ({@code denied} of them refused) to the windows starting at
   * {@code windowStarts} (1 s and 1 min, or one day) of the entry {@code storeKey}, of {@code kind};
   * false if its minute has closed (late for every window: none is counted).
   */
  boolean update(StoreKey.Kind kind, String storeKey, long[] windowStarts, long n, long denied) {
    if (!kind.daily() && !open(windowStarts[1])) {
      for (int ring = 0; ring < windowStarts.length; ring++) {
        metrics.lateWindow(kind, ring);
      }
      return false;
    }
    WriteBackStore.Entry e = store.entry(storeKey, decoderFor(kind));
    WindowState st = e.state;
    if (st == null) {
      st = newState(kind);
      e.state = st;
    }
    long mask = 0;
    for (int ring = 0; ring < windowStarts.length; ring++) {
      int target = st.slotOf(ring, windowStarts[ring]);
      long old = st.start(target);
      if (old != Long.MIN_VALUE && old < windowStarts[ring]
          && ((e.marks & (1L << target)) != 0 || rewriteAhead(storeKey))) {
        // its window not yet written (marked, or in an entry the rewrite has yet to reach): written with
        // the next flush, before the newer one takes its slot
        if (overwritten.size() < store.maxEntries()) {
          writes.of(storeKey, st, 1L << target, RedisWindowWrites.ANY_TIME, overwritten);
        } else {
          metrics.overwrittenLost.increment();
          if (ring == 1) {
            metrics.overwrittenLostMinutes.increment();
          }
          List<WindowWrite> lost = new ArrayList<>(1);
          writes.of(storeKey, st, 1L << target, RedisWindowWrites.ANY_TIME, lost);
          lost.forEach(sink::lost);
        }
      }
      int slot = st.add(ring, windowStarts[ring], n, denied);
      if (slot == WindowState.LATE) {
        metrics.lateWindow(kind, ring);
      } else {
        mask |= 1L << slot;
      }
    }
    if (mask != 0) {
      store.changed(e);
      if (!unmarked) {
        mark(e, mask);
      }
    }
    return true;
  }

  /** Whether the rewrite under way has yet to reach {@code storeKey}. */
  private boolean rewriteAhead(String storeKey) {
    return rewriting && (rewriteWalk.atStart() || compareAsStored(storeKey, rewriteWalk.from()) >= 0);
  }

  /**
   * Compares two keys in the store's order: their UTF-8 bytes, which is the order of their code points
   * ({@link String#compareTo} compares UTF-16 units, which differs for characters beyond U+FFFF).
   */
  static int compareAsStored(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Whether records of {@code minute} are still counted; advances the counted minute. */
  private boolean open(long minute) {
    if (minute > countedMinute) {
      countedMinute = Math.min(minute, wallMinute); // not below it: wallMinute was at least it when it was set
      firstOpenMinute = Math.max(firstOpenMinute, countedMinute - settings.minuteWindows());
    }
    return minute >= firstOpenMinute;
  }

  /**
   * Writes every changed window (keeps them marked if the sink fails), then trims the minute keys it
   * wrote whose minute is now past.
   */
  void flush(long wallClockMillis) {
    wallMinute = Math.max(wallMinute, wallClockMillis / 60_000);
    if (wallClockMillis < retryAt) {
      return;
    }
    writeChanged(wallClockMillis);
    if (wallClockMillis >= retryAt) {
      trimPastMinutes(wallClockMillis);
    }
  }

  /**
   * Past minutes keep their highest {@link RedisKeys#PAST_MINUTE_MEMBERS} members (for the history views):
   * the rest of a minute's addresses, which an attacker rotating addresses makes many, need not live the
   * 2 h of a minute key.
   */
  private void trimPastMinutes(long wallClockMillis) {
    List<String> past = writes.pastMinuteKeys(wallClockMillis / 1000);
    if (past.isEmpty()) {
      return;
    }
    try {
      metrics.redisCommands.add(sink.trim(past, RedisKeys.PAST_MINUTE_MEMBERS));
    } catch (RuntimeException e) {
      writes.trimLater(past);
      failed(wallClockMillis, e, "trim of " + past.size() + " past minute keys");
    }
  }

  private void writeChanged(long wallClockMillis) {
    String serving = sink.servingNodes();
    if (servingNodes != null && !servingNodes.equals(serving)) {
      // a failover: the promoted replica may lack writes its master acknowledged, and no write of this
      // task need have failed (it may have had nothing to write while the master was down)
      LOG.info("the Redis nodes taking writes changed from [{}] to [{}]; writing every retained window once more",
          servingNodes, serving);
      startRewrite();
    }
    servingNodes = serving;
    metrics.pendingEntries = marked.size();
    if (!rewriting && marked.isEmpty() && overwritten.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    long nowSec = wallClockMillis / 1000;
    int written = 0;
    List<WindowWrite> batch = new ArrayList<>(overwritten); // older windows first: a later write of a key wins
    try {
      if (rewriting) {
        written += rewriteSlice(nowSec);
      }
      for (WriteBackStore.Entry e : marked) {
        if (e.state != null) {
          writes.of(e.key, e.state, e.marks, nowSec, batch);
        }
      }
      if (!batch.isEmpty()) {
        metrics.redisCommands.add(sink.write(batch));
        written += batch.size();
      }
    } catch (RuntimeException e) {
      failed(wallClockMillis, e, "flush of " + (written + batch.size()) + " window writes");
      startRewrite();
      if (marked.size() > store.maxEntries()) {
        // no more changes held in memory: the store has them all, and the rewrite writes them once Redis answers
        LOG.warn("{} entries changed while Redis is away, more than the cache holds ({}); writing every retained"
            + " window from the store once Redis answers", marked.size(), store.maxEntries());
        for (WriteBackStore.Entry m : marked) {
          m.marks = 0;
        }
        marked.clear();
        unmarked = true;
      }
      return;
    }
    metrics.windowWrites.add(written);
    metrics.flushes.increment();
    metrics.flushLatency((System.nanoTime() - started) / 1000);
    metrics.redis(true, null);
    for (WriteBackStore.Entry e : marked) {
      e.marks = 0;
    }
    marked.clear();
    overwritten.clear();
    backoffMillis = 0;
    retryAt = 0;
  }

  private void failed(long wallClockMillis, RuntimeException e, String what) {
    metrics.flushFailures.increment();
    metrics.redis(false, e.toString());
    backoffMillis = backoffMillis == 0 ? settings.flushInterval().toMillis() : Math.min(5_000, backoffMillis * 2);
    retryAt = wallClockMillis + backoffMillis;
    LOG.warn("{} failed; keeping them and retrying in {} ms: {}", what, backoffMillis, e.toString());
  }

  /** Every retained window is to be written again, from the store's first key on. */
  private void startRewrite() {
    rewriting = true;
    rewriteWalk.restart();
  }

  /**
   * Writes every window of the next {@value #REWRITE_SLICE} entries of the store (after writing back the
   * cache, so that the store holds every change), and returns how many; after the last entry the rewrite
   * ends. An entry changed after the slice that held it is marked and written as any change is; one the
   * rewrite has yet to reach is written when the rewrite reaches it, and a window of it overwritten before
   * then is kept for the next flush ({@link #rewriteAhead}). A slice that fails throws, and the rewrite
   * starts again.
   */
  private int rewriteSlice(long nowSec) {
    List<WindowWrite> batch = new ArrayList<>();
    rewriteWalk.slice(store::allFrom, REWRITE_SLICE, kv -> {
      StoreKey.Kind kind = StoreKey.kindOf(kv.key);
      if (kind != null && !kind.held()) {
        writes.of(kv.key, decoderFor(kv.key).apply(kv.value), -1L, nowSec, batch);
      }
    });
    metrics.redisCommands.add(sink.write(batch));
    unmarked = false; // Redis answers: changes are marked again, and the rewrite reaches those made before
    rewriteWalk.advance();
    if (rewriteWalk.atStart()) {
      rewriting = false;
      metrics.storeRewrites.increment();
    }
    return batch.size();
  }

  /**
   * Deletes entries that can no longer be counted into (newest minute before {@link #firstOpenMinute}; a
   * quota's day two days past), so the store holds the addresses of about the last
   * {@code minuteWindows + 1} minutes, not more. One call examines one slice of the store, going on from
   * where the last call stopped: at least {@value #MIN_SWEEP_SLICE} entries, and enough that a pass over the
   * whole store takes about {@value #SWEEP_PASS_CALLS} calls (a call a second: a pass a minute or so). So
   * the stream thread is held for a slice, whatever the store holds; a sweep over the whole store in one
   * call held it for more than a second at 120,000 entries a task, and it grows with the addresses.
   * Entries are read as last written to the inner store, and a cached entry's own state is used instead, so
   * the sweep writes nothing back: an entry changed since the last commit is judged by its change. An entry whose
   * windows may not be in Redis yet is kept: one marked, and one a rewrite under way has yet to reach (so a Redis
   * outage of minutes keeps in the store the addresses that went quiet meanwhile until their windows are written).
   */
  void sweep(long wallClockMillis) {
    long started = System.nanoTime();
    long oldDay = Instant.ofEpochMilli(wallClockMillis).atZone(settings.quotaZone()).toLocalDate().minusDays(2).toEpochDay();
    long slice = Math.max(MIN_SWEEP_SLICE, store.approximateNumEntries() / SWEEP_PASS_CALLS);
    List<String> stale = new ArrayList<>();
    long examined = sweepWalk.slice(store::writtenFrom, slice, kv -> {
      StoreKey.Kind kind = StoreKey.kindOf(kv.key);
      if (kind != null && kind.held()) {
        return; // a quota share not yet sent on: drainHeld deletes it
      }
      WriteBackStore.Entry cached = store.cached(kv.key);
      WindowState st = cached == null ? decoderFor(kv.key).apply(kv.value) : cached.state;
      if (st == null || (cached != null && cached.marks != 0) || rewriteAhead(kv.key)) {
        // deleted already, or windows not yet written to Redis: marked, or in an entry the rewrite under way has
        // yet to reach (while Redis is away with more changes than the cache holds, changes are not marked, and
        // the rewrite is what writes them)
        return;
      }
      boolean quota = kind == StoreKey.Kind.QUOTA || kind == StoreKey.Kind.QUOTA_HOUR;
      if (quota ? st.newest(0) < oldDay : st.newest(1) < firstOpenMinute) {
        stale.add(kv.key);
      }
    });
    sweepWalk.advance();
    stale.forEach(store::delete);
    metrics.sweptEntries.add(examined);
    if (sweepWalk.atStart()) {
      metrics.sweepPasses.increment();
    }
    metrics.swept((System.nanoTime() - started) / 1000);
  }
}
