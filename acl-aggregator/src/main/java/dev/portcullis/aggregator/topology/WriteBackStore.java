package dev.portcullis.aggregator.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A write-back cache of decoded {@link WindowState}s in front of a (changelogged, uncached) key-value
 * store.
 *
 * <p>Design note. Kafka Streams' own record cache is a sorted map over byte keys; with 100k+ distinct
 * keys its comparisons dominated the aggregator's profile. This cache is a plain {@link HashMap} of
 * entries, each holding its key's window state decoded, so that counting a record is one hash lookup
 * and a few additions: no store read, no decode or encode, no allocation. {@link #entry} loads an
 * entry from the inner store on a miss; {@link #changed} marks it for write-back. Before it commits
 * a task (with exactly-once: before it commits the transaction) Kafka Streams calls
 * {@link #flushCache()} on every cached store, and that is when the changed entries are encoded and
 * written through to the inner store and its changelog, inside the transaction. So the changelog
 * holds every update a committed offset covers, exactly as with the built-in cache, and a crash
 * replays the rest. (Kafka Streams calls {@link #flush()} and {@link #commit(Map)} only after the
 * transaction has committed, to persist and checkpoint: a write-back there puts a commit's updates
 * into the next transaction, and a crash between the two loses them. The first version of this store
 * did that; {@code AggregatorIT}'s hard kill found it. {@link CachedStateStore} is the internal
 * interface of Kafka Streams that its own record cache implements; that test guards the contract.) Written
 * entries stay cached (the next records of an address find them) until the cache holds more than
 * its share of the worker's {@link CacheBudget}; then a write-back drops the entries that are written and
 * not marked by their owner. Iteration and queries write back first, so they always see every entry. The cache is
 * emptied when the store closes, which is also how a task that fails or moves discards what it has
 * not committed; the worker runs no standby replicas, whose restoration would bypass it.
 *
 * <p>The plain {@link KeyValueStore} methods keep their meaning ({@code get} encodes a cached entry,
 * {@code put} writes through), for Kafka Streams and for tools. Not thread-safe: one stream thread owns
 * a task's store.
 */
final class WriteBackStore implements KeyValueStore<String, byte[]>, CachedStateStore<String, byte[]> {

  /** One key's cached state. Its fields belong to the stream thread that owns the store. */
  static final class Entry {
    final String key;
    /** The decoded state, or null when the key has no value. */
    WindowState state;
    /** For the owner (the counter): windows changed since its last flush to Redis, one bit per slot. */
    long marks;
    private boolean unwritten;

    private Entry(String key, WindowState state) {
      this.key = key;
      this.state = state;
    }
  }

  private final KeyValueStore<String, byte[]> inner;
  private final CacheBudget budget;
  private boolean counted; // in the budget's open stores
  private final Map<String, Entry> cache = new HashMap<>();
  private final List<Entry> unwritten = new ArrayList<>();

  WriteBackStore(KeyValueStore<String, byte[]> inner, CacheBudget budget) {
    this.inner = inner;
    this.budget = budget;
  }

  /** A store that keeps {@code maxEntries} whatever other stores are open. */
  WriteBackStore(KeyValueStore<String, byte[]> inner, int maxEntries) {
    this(inner, CacheBudget.fixed(maxEntries));
  }

  /**
   * The most entries the cache keeps once written (changed and marked ones stay beyond it): this store's share of
   * its worker's {@link CacheBudget}, which changes as its worker's tasks come and go.
   */
  int maxEntries() {
    return budget.share();
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    inner.init(context, root);
    if (!counted) {
      counted = true;
      budget.opened();
    }
  }

  /**
   * The write-back store under a store handed to a processor, which Kafka Streams wraps in a decorator
   * (one that forbids the processor to close or flush it; the typed methods here do neither).
   * @throws IllegalStateException if there is none (the topology was built without one)
   */
  static WriteBackStore under(StateStore handed) {
    StateStore s = handed;
    while (!(s instanceof WriteBackStore) && s instanceof WrappedStateStore<?, ?, ?> w) {
      s = w.wrapped();
    }
    if (s instanceof WriteBackStore store) {
      return store;
    }
    throw new IllegalStateException("store " + handed.name() + " is not a write-back store: " + handed.getClass());
  }

  /** The cached entry of {@code key}, loaded (and decoded with {@code decode}) from the inner store on a miss. */
  Entry entry(String key, Function<byte[], WindowState> decode) {
    Entry e = cache.get(key);
    if (e == null) {
      byte[] stored = inner.get(key);
      e = new Entry(key, stored == null ? null : decode.apply(stored));
      cache.put(key, e);
    }
    return e;
  }

  /** The cached entry of {@code key}, or null if it is not cached. */
  Entry cached(String key) {
    return cache.get(key);
  }

  /** Marks an entry's state (changed in place, or replaced) for the next write-back. */
  void changed(Entry e) {
    if (!e.unwritten) {
      e.unwritten = true;
      unwritten.add(e);
    }
  }

  /** Every entry from {@code from} on (every entry if null), in key order, after writing back every change. */
  KeyValueIterator<String, byte[]> allFrom(String from) {
    writeBack();
    return writtenFrom(from);
  }

  /**
   * The inner store's entries from {@code from} on (every entry if null), in key order, as last written
   * back: without writing back first, so a cached entry ({@link #cached}) may be newer than its value here,
   * and a cached entry not yet written back is not there at all.
   */
  KeyValueIterator<String, byte[]> writtenFrom(String from) {
    return from == null ? inner.all() : inner.range(from, null);
  }

  /** Entries in the cache (for tests and metrics). */
  int cachedEntries() {
    return cache.size();
  }

  @Override
  public byte[] get(String key) {
    Entry e = cache.get(key);
    return e != null ? encoded(e) : inner.get(key);
  }

  @Override
  public void put(String key, byte[] value) {
    writeBack();
    cache.remove(key);
    if (value == null) {
      inner.delete(key);
    } else {
      inner.put(key, value);
    }
  }

  @Override
  public byte[] putIfAbsent(String key, byte[] value) {
    byte[] old = get(key);
    if (old == null) {
      put(key, value);
    }
    return old;
  }

  @Override
  public void putAll(List<KeyValue<String, byte[]>> entries) {
    entries.forEach(e -> put(e.key, e.value));
  }

  private static byte[] encoded(Entry e) {
    return e.state == null ? null : e.state.encode();
  }

  /** Deletes at the next write-back, like any change: the entry stays cached as absent meanwhile. */
  @Override
  public byte[] delete(String key) {
    Entry e = cache.get(key);
    byte[] old;
    if (e == null) {
      old = inner.get(key);
      if (old == null) {
        return null;
      }
      e = new Entry(key, null);
      cache.put(key, e);
    } else {
      old = encoded(e);
    }
    e.state = null;
    changed(e);
    return old;
  }

  @Override
  public KeyValueIterator<String, byte[]> range(String from, String to) {
    writeBack();
    return inner.range(from, to);
  }

  @Override
  public KeyValueIterator<String, byte[]> all() {
    writeBack();
    return inner.all();
  }

  @Override
  public long approximateNumEntries() {
    return inner.approximateNumEntries() + unwritten.size();
  }

  private void writeBack() {
    if (!unwritten.isEmpty()) {
      for (Entry e : unwritten) {
        if (e.state == null) {
          inner.delete(e.key);
        } else {
          inner.put(e.key, e.state.encode());
        }
        e.unwritten = false;
      }
      unwritten.clear();
    }
    if (cache.size() > maxEntries()) {
      cache.values().removeIf(e -> e.marks == 0);
    }
  }

  /** Before the task commits: every change goes to the inner store and its changelog, in the transaction. */
  @Override
  public void flushCache() {
    writeBack();
  }

  /** Drops every cached entry (Kafka Streams calls this before it restores into a recycled store). */
  @Override
  public void clearCache() {
    cache.clear();
    unwritten.clear();
  }

  /** This cache forwards nothing downstream. */
  @Override
  public boolean setFlushListener(CacheFlushListener<String, byte[]> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public void flush() {
    writeBack();
    inner.flush();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    writeBack();
    inner.commit(changelogOffsets);
  }

  @Override
  public Long committedOffset(TopicPartition partition) {
    return inner.committedOffset(partition);
  }

  @Override
  public boolean managesOffsets() {
    return inner.managesOffsets();
  }

  @Override
  public void close() {
    clearCache(); // unwritten updates are not committed either: the task replays them
    if (counted) {
      counted = false;
      budget.closed();
    }
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
    writeBack();
    return inner.query(query, bound, config);
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }
}
