package dev.portcullis.aggregator.store;

import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * The off-heap memory every RocksDB store of one worker shares: one block cache, and the memtables
 * charged against it, so the worker's RocksDB memory is bounded by one figure whatever the number of
 * tasks (Kafka Streams' default is a 50 MB cache and up to 48 MB of memtables per store, so a worker
 * holding 12 tasks could reach 1.2 GB). Owned by the worker and closed after its Kafka Streams; the
 * stores reach it through their configuration ({@link #CONFIG}, read by {@link BoundedRocksDbConfig}).
 */
public final class RocksDbMemory implements AutoCloseable {

  /** The Kafka Streams configuration key under which a worker passes its instance to its stores. */
  public static final String CONFIG = "portcullis.rocksdb.memory";

  private final long bytes;
  private final LRUCache cache;
  private final WriteBufferManager writeBuffers;
  private boolean closed;

  /**
   * @param bytes the block cache's capacity; the memtables of all stores are charged to it and flushed
   *              once they hold half of it
   */
  public RocksDbMemory(long bytes) {
    if (bytes < (16L << 20)) {
      throw new IllegalArgumentException("RocksDB memory must be at least 16 MB, was " + bytes + " bytes");
    }
    RocksDB.loadLibrary();
    this.bytes = bytes;
    // not strict: a read that finds the cache full of pinned blocks is served anyway, never failed
    this.cache = new LRUCache(bytes, -1, false, 0.1);
    this.writeBuffers = new WriteBufferManager(bytes / 2, cache);
  }

  /** Bytes held in the shared cache now, memtables included. */
  public synchronized long usage() {
    return closed ? 0 : cache.getUsage();
  }

  Cache cache() {
    return cache;
  }

  WriteBufferManager writeBuffers() {
    return writeBuffers;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      writeBuffers.close();
      cache.close();
    }
  }

  @Override
  public String toString() {
    return "RocksDbMemory[" + (bytes >> 20) + " MB shared]";
  }
}
