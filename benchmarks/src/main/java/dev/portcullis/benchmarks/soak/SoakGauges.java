package dev.portcullis.benchmarks.soak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.client.AclClient;
import dev.portcullis.keys.KafkaKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Reads what a {@link SoakRow} holds from the running system. */
final class SoakGauges {

  private final Admin admin;
  private final UnifiedJedis redis;
  private final List<ChildAggregator> aggregators;
  private final List<AclClient> clients;
  private final Map<Integer, Long> lastRecords = new HashMap<>();
  private long lastAt = System.currentTimeMillis();

  SoakGauges(Admin admin, UnifiedJedis redis, List<ChildAggregator> aggregators, List<AclClient> clients) {
    this.admin = admin;
    this.redis = redis;
    this.aggregators = aggregators;
    this.clients = clients;
  }

  /**
   * The aggregators' late windows by kind and window ({@code "prefix second"}), summed over the workers running
   * now (a restarted worker's count began again at its start); those none missed are left out.
   */
  Map<String, Long> lateWindowsByKind() {
    Map<String, Long> sum = new TreeMap<>();
    for (ChildAggregator a : aggregators) {
      JsonNode m = a.metrics();
      if (m != null) {
        m.path("lateWindowsByKind").fields().forEachRemaining(kind -> kind.getValue().fields().forEachRemaining(w -> {
          if (w.getValue().asLong() > 0) {
            sum.merge(kind.getKey() + " " + w.getKey(), w.getValue().asLong(), Long::sum);
          }
        }));
      }
    }
    return sum;
  }

  SoakRow row(long atSeconds, long reaction, long v6Addresses, String event) {
    long now = System.currentTimeMillis();
    long[] heaps = new long[aggregators.size()];
    long[] beyond = new long[aggregators.size()];
    long rocks = 0;
    long rocksMemory = 0;
    long entries = 0;
    long counted = 0;
    long late = 0;
    long lateRecords = 0;
    for (int i = 0; i < aggregators.size(); i++) {
      ChildAggregator a = aggregators.get(i);
      long[] heap = a.heapAfterGcAndBeyond();
      heaps[i] = heap[0] < 0 ? -1 : heap[0] >> 20;
      beyond[i] = heap[1] < 0 ? -1 : heap[1] >> 20;
      rocks += a.stateBytes();
      JsonNode m = a.metrics();
      long records = m == null ? lastRecords.getOrDefault(i, 0L) : m.path("records").asLong();
      late += m == null ? 0 : m.path("lateWindows").asLong();
      lateRecords += m == null ? 0 : m.path("lateRecords").asLong();
      rocksMemory += m == null ? 0 : m.path("storeMemoryBytes").asLong();
      entries += m == null ? 0 : m.path("storeEntries").asLong();
      // a restarted worker counts from 0 again
      long before = lastRecords.getOrDefault(i, 0L);
      counted += records >= before ? records - before : records;
      lastRecords.put(i, records);
    }
    long perSecond = counted * 1000 / Math.max(1, now - lastAt);
    lastAt = now;
    long dropped = clients.stream().mapToLong(c -> c.status().droppedAccesses()).sum();
    long[] members = maxMembers();
    return new SoakRow(atSeconds, JvmHeap.ownAfterGc() >> 20, heaps, beyond, rocks >> 20, rocksMemory >> 20, entries, redisUsed() >> 20, perSecond, lag(),
        members[0], members[1], reaction, v6Addresses, clients.get(0).status().activeIntercepts(), dropped, late,
        lateRecords, event.trim());
  }

  private long redisUsed() {
    try {
      String info = redis.info("memory");
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("used_memory:")) {
          return Long.parseLong(line.substring("used_memory:".length()).trim());
        }
      }
      return -1;
    } catch (RuntimeException e) {
      return -1; // Redis away
    }
  }

  /** Records of acl.access not yet committed by the aggregators' group; -1 if Kafka does not say. */
  long lag() {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("portcullis-aggregator")
          .partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 4; p++) {
        latest.put(new TopicPartition(KafkaKeys.ACCESS_TOPIC, p), OffsetSpec.latest());
      }
      long lag = 0;
      for (var e : admin.listOffsets(latest).all().get().entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        // a transaction's commit marker takes an offset of its own: a lag of 1 is none
        lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()) - 1);
      }
      return lag;
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * The most members of any window key (address, prefix and quota windows) and of any past minute's
   * address or prefix key (two minutes after its minute began), from one scan; -1 for both while Redis is away.
   */
  private long[] maxMembers() {
    long pastBefore = System.currentTimeMillis() / 60_000 - 1;
    try {
      List<String> keys = new ArrayList<>();
      List<Boolean> past = new ArrayList<>();
      String cursor = ScanParams.SCAN_POINTER_START;
      ScanParams params = new ScanParams().match("pc:{*").count(2_000);
      do {
        ScanResult<String> page = redis.scan(cursor, params);
        for (String k : page.getResult()) {
          boolean minute = k.contains(":m:") || k.contains(":pm:");
          if (minute || k.contains(":s:") || k.contains(":ps:") || k.contains(":q:")) {
            keys.add(k);
            past.add(minute && Long.parseLong(k.substring(k.lastIndexOf(':') + 1)) < pastBefore);
          }
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      List<Response<Long>> sizes = new ArrayList<>();
      try (var p = redis.pipelined()) {
        for (String k : keys) {
          sizes.add(p.zcard(k));
        }
        p.sync();
      }
      long[] max = {0, 0};
      for (int i = 0; i < sizes.size(); i++) {
        long n = sizes.get(i).get();
        max[0] = Math.max(max[0], n);
        if (past.get(i)) {
          max[1] = Math.max(max[1], n);
        }
      }
      return max;
    } catch (RuntimeException e) {
      return new long[] {-1, -1};
    }
  }
}
