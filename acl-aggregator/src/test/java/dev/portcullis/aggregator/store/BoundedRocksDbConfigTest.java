package dev.portcullis.aggregator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactionStyle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

class BoundedRocksDbConfigTest {

  private static final int STORES = 8;
  private static final long MEMORY = 32L << 20;

  @Test
  void eightStoresWritingAtOnceKeepTheirMemtablesUnderHalfTheSharedMemory_whereKafkasDefaultsHoldSeveralTimesIt(
      @TempDir Path dir) throws Exception {
    try (RocksDbMemory memory = new RocksDbMemory(MEMORY)) {
      long bounded = memtablesAfterWriting(dir.resolve("bounded"), memory);
      long unbounded = memtablesAfterWriting(dir.resolve("defaults"), null);
      System.out.printf("memtables after 8 x 12 MB written: %d MB with the shared memory, %d MB with Kafka's defaults%n",
          bounded >> 20, unbounded >> 20);
      assertThat(bounded).as("memtables of all stores, shared memory of %d MB", MEMORY >> 20)
          .isLessThanOrEqualTo(MEMORY / 2 + BoundedRocksDbConfig.WRITE_BUFFER_BYTES);
      assertThat(unbounded).as("the same writes with Kafka Streams' per-store defaults")
          .isGreaterThan(2 * MEMORY);
    }
  }

  @Test
  void storesReadTheirBlocksThroughTheSharedCache(@TempDir Path dir) throws Exception {
    try (RocksDbMemory memory = new RocksDbMemory(MEMORY); Options options = configured(memory);
         RocksDB db = RocksDB.open(options, dir.toString())) {
      for (int i = 0; i < 50_000; i++) {
        db.put(key(i), new byte[64]);
      }
      db.flush(new org.rocksdb.FlushOptions().setWaitForFlush(true));
    }
    // opened again with a fresh memory: no memtable is charged to it (a flushed one's charge is released
    // asynchronously, which made a reading taken just after the flush race with it)
    try (RocksDbMemory memory = new RocksDbMemory(MEMORY); Options options = configured(memory);
         RocksDB db = RocksDB.open(options, dir.toString())) {
      long before = memory.usage();
      for (int i = 0; i < 50_000; i += 7) {
        assertThat(db.get(key(i))).hasSize(64);
      }
      assertThat(memory.usage()).as("blocks read land in the worker's cache").isGreaterThan(before);
    }
  }

  @Test
  void bloomFiltersOnEveryLevelAndLeveledCompaction() {
    try (RocksDbMemory memory = new RocksDbMemory(MEMORY); Options options = configured(memory)) {
      assertThat(options.optimizeFiltersForHits()).as("misses (fresh addresses) are the common read").isFalse();
      assertThat(options.compactionStyle()).isEqualTo(CompactionStyle.LEVEL);
      assertThat(options.writeBufferSize()).isEqualTo(BoundedRocksDbConfig.WRITE_BUFFER_BYTES);
    }
  }

  @Test
  void aStoreWithoutTheWorkersMemoryIsRefusedWithTheKeyNamed() {
    try (Options options = new Options()) {
      assertThatThrownBy(() -> new BoundedRocksDbConfig().setConfig("counts", options, Map.of()))
          .isInstanceOf(ConfigException.class).hasMessageContaining(RocksDbMemory.CONFIG).hasMessageContaining("counts");
    }
  }

  @Test
  void tooLittleMemoryIsRefused() {
    assertThatThrownBy(() -> new RocksDbMemory(1 << 20)).hasMessageContaining("at least 16 MB");
  }

  /** Kafka Streams' own starting point: a block-based table with a bloom filter, then the setter. */
  private static Options configured(RocksDbMemory memory) {
    Options options = new Options().setCreateIfMissing(true);
    options.setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(new BloomFilter()));
    new BoundedRocksDbConfig().setConfig("counts", options, Map.of(RocksDbMemory.CONFIG, memory));
    return options;
  }

  /** Kafka Streams' defaults as its RocksDBStore sets them: 16 MB write buffers, 3 of them, per store. */
  private static Options defaults() {
    return new Options().setCreateIfMissing(true).setWriteBufferSize(16L << 20).setMaxWriteBufferNumber(3)
        .setCompactionStyle(CompactionStyle.UNIVERSAL);
  }

  /** Writes 12 MB to each of 8 stores, round robin, and returns their memtables' total once flushes are done. */
  private static long memtablesAfterWriting(Path dir, RocksDbMemory memory) throws Exception {
    Files.createDirectories(dir);
    List<Options> options = new ArrayList<>();
    List<RocksDB> dbs = new ArrayList<>();
    try (WriteOptions noWal = new WriteOptions().setDisableWAL(true)) {
      for (int s = 0; s < STORES; s++) {
        Options o = memory == null ? defaults() : configured(memory);
        options.add(o);
        dbs.add(RocksDB.open(o, dir.resolve("store-" + s).toString()));
      }
      byte[] value = new byte[100];
      for (int i = 0; i < 100_000; i++) {
        for (RocksDB db : dbs) {
          db.put(noWal, key(i), value);
        }
      }
      long total = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (RocksDB db : dbs) {
        while (db.getLongProperty("rocksdb.num-running-flushes") > 0 || db.getLongProperty("rocksdb.mem-table-flush-pending") > 0) {
          assertThat(System.nanoTime()).as("flushes done within 60 s").isLessThan(deadline);
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        total += db.getLongProperty("rocksdb.cur-size-all-mem-tables");
      }
      return total;
    } finally {
      dbs.forEach(RocksDB::close);
      options.forEach(Options::close);
    }
  }

  private static byte[] key(int i) {
    return ("shop|10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff)).getBytes(StandardCharsets.UTF_8);
  }
}
