package dev.portcullis.aggregator.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

/** An inner store for tests: a sorted map that counts its writes. */
final class SortedMapStore implements KeyValueStore<String, byte[]> {
  final TreeMap<String, byte[]> data = new TreeMap<>();
  int writes;

  @Override public void put(String key, byte[] value) { writes++; data.put(key, value); }
  @Override public byte[] putIfAbsent(String key, byte[] value) { return data.putIfAbsent(key, value); }
  @Override public void putAll(List<KeyValue<String, byte[]>> entries) { entries.forEach(e -> put(e.key, e.value)); }
  @Override public byte[] delete(String key) { writes++; return data.remove(key); }
  @Override public byte[] get(String key) { return data.get(key); }
  @Override public KeyValueIterator<String, byte[]> range(String from, String to) {
    return iterator(to == null ? data.tailMap(from, true) : data.subMap(from, true, to, true));
  }
  @Override public KeyValueIterator<String, byte[]> all() { return iterator(data); }
  @Override public long approximateNumEntries() { return data.size(); }
  @Override public String name() { return "windows"; }
  @Override public void init(StateStoreContext context, StateStore root) {}
  @Override public void flush() {}
  @Override public void close() {}
  @Override public boolean persistent() { return false; }
  @Override public boolean isOpen() { return true; }
  @Override public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) { return null; }
  @Override public Position getPosition() { return Position.emptyPosition(); }

  private static KeyValueIterator<String, byte[]> iterator(Map<String, byte[]> m) {
    var it = new ArrayList<>(m.entrySet()).iterator();
    return new KeyValueIterator<>() {
      @Override public boolean hasNext() { return it.hasNext(); }
      @Override public KeyValue<String, byte[]> next() { var e = it.next(); return KeyValue.pair(e.getKey(), e.getValue()); }
      @Override public void close() {}
      @Override public String peekNextKey() { throw new UnsupportedOperationException(); }
    };
  }
}
