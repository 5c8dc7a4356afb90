package dev.portcullis.benchmarks.soak;

/**
 * What the soak measured at the end of one interval.
 *
 * @param atSeconds       seconds since the traffic began
 * @param stackHeapMb     heap after a full GC of the JVM running Kafka, ZooKeeper, the notifier, the clients and the load
 * @param aggregatorHeapMb heap after a full GC of each aggregator JVM (-1 while it is down)
 * @param aggregatorBeyondHeapMb resident memory of each aggregator JVM beyond its heap as committed (-1 while
 *                        it is down): RocksDB's off-heap memory, metaspace, threads, code
 * @param rocksDbMb       the aggregators' state on disk
 * @param rocksDbMemoryMb the aggregators' RocksDB memory in use (block cache and memtables), summed
 * @param storeEntries    the entries in the aggregators' stores, as RocksDB estimates them, summed
 * @param redisUsedMb     Redis {@code used_memory}
 * @param recordsPerSecond access records the aggregators counted per second over the interval
 * @param lag             records of acl.access not yet committed by the aggregators
 * @param maxMembers      the most members of any window key in Redis
 * @param maxPastMinuteMembers the most members of any past minute's address or prefix key in Redis
 * @param reactionMillis  from a fresh offender's first request to its first refusal as an intercept (-1: none within 20 s)
 * @param v6Addresses     fresh IPv6 addresses sent so far
 * @param interceptsHeld  intercepts the first client holds
 * @param droppedAccesses accesses the clients could not report (their emitters' bounds)
 * @param late            windows the aggregators did not count a record into for being late, one each (a record has
 *                        several: address, app, node, prefixes), since they started
 * @param lateRecords     records the aggregators did not count at all (their minute had closed), since they started
 */
record SoakRow(long atSeconds, long stackHeapMb, long[] aggregatorHeapMb, long[] aggregatorBeyondHeapMb,
    long rocksDbMb, long rocksDbMemoryMb, long storeEntries, long redisUsedMb,
    long recordsPerSecond, long lag, long maxMembers, long maxPastMinuteMembers, long reactionMillis,
    long v6Addresses, int interceptsHeld, long droppedAccesses, long late, long lateRecords, String event) {

  static String header() {
    return "| t (s) | stack heap MB | aggregator heaps MB | aggregator resident beyond heap MB | RocksDB MB | RocksDB memory MB | store entries | Redis used MB | records/s | lag | max members/key"
        + " | max members/past minute key | reaction ms | IPv6 addresses | intercepts held | dropped | late windows | late records | event |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
  }

  String markdown() {
    return "| " + atSeconds + " | " + stackHeapMb + " | " + perWorker(aggregatorHeapMb) + " | " + perWorker(aggregatorBeyondHeapMb)
        + " | " + rocksDbMb + " | " + rocksDbMemoryMb + " | " + storeEntries + " | " + redisUsedMb + " | "
        + recordsPerSecond + " | " + lag + " | " + maxMembers + " | " + maxPastMinuteMembers + " | "
        + (reactionMillis < 0 ? "none" : reactionMillis)
        + " | " + v6Addresses + " | " + interceptsHeld + " | " + droppedAccesses + " | " + late + " | " + lateRecords + " | " + event + " |";
  }

  private static String perWorker(long[] mb) {
    StringBuilder b = new StringBuilder();
    for (long m : mb) {
      b.append(b.length() == 0 ? "" : " / ").append(m < 0 ? "down" : Long.toString(m));
    }
    return b.toString();
  }
}
