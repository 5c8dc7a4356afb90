package dev.portcullis.aggregator.store;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompactionStyle;
import org.rocksdb.Options;

/**
 * The aggregator's RocksDB settings, for a store whose reads mostly miss: a fresh address is looked up
 * before it is first counted, so bloom filters stay on every level (Kafka Streams' default leaves the
 * last one without, which is right when reads find their keys). Blocks, index and filters live in the
 * worker's shared {@link RocksDbMemory}, and so do the memtables; leveled compaction keeps the files on
 * disk near the live data (Kafka Streams' universal compaction lets them swing to several times it as
 * entries are swept).
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {

  static final long WRITE_BUFFER_BYTES = 8L << 20;
  static final int WRITE_BUFFERS = 2;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object shared = configs.get(RocksDbMemory.CONFIG);
    if (!(shared instanceof RocksDbMemory memory)) {
      throw new ConfigException(RocksDbMemory.CONFIG, shared,
          "store " + storeName + " needs the worker's RocksDbMemory instance under this key");
    }
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig(); // keeps Kafka's bloom filter
    table.setBlockCache(memory.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinL0FilterAndIndexBlocksInCache(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(memory.writeBuffers());
    options.setWriteBufferSize(WRITE_BUFFER_BYTES);
    options.setMaxWriteBufferNumber(WRITE_BUFFERS);
    options.setOptimizeFiltersForHits(false);
    options.setCompactionStyle(CompactionStyle.LEVEL);
    options.setLevelCompactionDynamicLevelBytes(true);
  }

  @Override
  public void close(String storeName, Options options) {
    // nothing per store: the shared memory is closed by the worker that made it
  }
}
