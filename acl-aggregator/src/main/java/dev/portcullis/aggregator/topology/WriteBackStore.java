package dev.portcullis.aggregator.topology;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A write-back hash cache in front of a (changelogged, uncached) key-value store.
 *
 * <p>Design note. Kafka Streams' own record cache is a sorted map over byte keys; with 100k+ distinct
 * keys its comparisons dominated the aggregator's profile. This cache is a plain {@link HashMap}:
 * {@code put} only updates it, {@code get} reads it first. Kafka Streams calls {@link #flush()} /
 * {@link #commit(Map)} on every store before it commits a task (and, with exactly-once, before it
 * commits the transaction), and that is when the dirty entries are written through to the inner
 * store and its changelog. So the changelog holds every update a committed offset covers, exactly as
 * with the built-in cache, and a crash replays the rest. Iteration writes back first, so it always
 * sees every entry. Not thread-safe: one stream thread owns a task's store.
 */
final class WriteBackStore implements KeyValueStore<String, byte[]> {

  private final KeyValueStore<String, byte[]> inner;
  private final Map<String, byte[]> dirty = new HashMap<>();

  WriteBackStore(KeyValueStore<String, byte[]> inner) {
    this.inner = inner;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    inner.init(context, root);
  }

  @Override
  public byte[] get(String key) {
    byte[] v = dirty.get(key);
    return v != null ? v : inner.get(key);
  }

  @Override
  public void put(String key, byte[] value) {
    if (value == null) {
      delete(key);
    } else {
      dirty.put(key, value);
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

  @Override
  public byte[] delete(String key) {
    byte[] cached = dirty.remove(key);
    byte[] stored = inner.delete(key);
    return cached != null ? cached : stored;
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
    return inner.approximateNumEntries() + dirty.size();
  }

  private void writeBack() {
    if (dirty.isEmpty()) {
      return;
    }
    for (Map.Entry<String, byte[]> e : dirty.entrySet()) {
      inner.put(e.getKey(), e.getValue());
    }
    dirty.clear();
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
    dirty.clear(); // unflushed updates are not committed either: the task replays them
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

  /** Builds a {@link WriteBackStore} around what {@code inner} builds (with its own cache disabled). */
  static final class Builder implements StoreBuilder<WriteBackStore> {
    private final StoreBuilder<KeyValueStore<String, byte[]>> inner;

    Builder(StoreBuilder<KeyValueStore<String, byte[]>> inner) {
      this.inner = inner.withCachingDisabled();
    }

    @Override
    public StoreBuilder<WriteBackStore> withCachingEnabled() {
      return this;
    }

    @Override
    public StoreBuilder<WriteBackStore> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<WriteBackStore> withLoggingEnabled(Map<String, String> config) {
      inner.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<WriteBackStore> withLoggingDisabled() {
      inner.withLoggingDisabled();
      return this;
    }

    @Override
    public WriteBackStore build() {
      return new WriteBackStore(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}
