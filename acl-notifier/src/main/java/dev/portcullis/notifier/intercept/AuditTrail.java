package dev.portcullis.notifier.intercept;

import dev.portcullis.transport.KafkaConnection;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.WireCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest audit records as every notifier answers them: the tail of {@code acl.audit} (read at most
 * every {@code maxAge}) merged with what this notifier recorded itself and may not have read back yet
 * ({@code own}), newest first, each record once. A standby thus shows the leader's decisions, and a
 * new leader the ones its predecessor made. Thread-safe.
 */
public final class AuditTrail {

  /** The most records a read takes from each partition of the topic, and the most an answer holds. */
  public static final int MAX = 500;

  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

  private final CachedRead<AuditRecord> topic;
  private final IntFunction<List<AuditRecord>> own;

  public AuditTrail(Supplier<List<AuditRecord>> topicTail, IntFunction<List<AuditRecord>> own, Clock clock, Duration maxAge) {
    this.topic = new CachedRead<>("the audit topic", topicTail, clock, maxAge);
    this.own = own;
  }

  /** At most {@code limit} (1 to {@value #MAX}) records, newest first. */
  public List<AuditRecord> newest(int limit) {
    Map<String, AuditRecord> byId = new LinkedHashMap<>();
    for (AuditRecord r : own.apply(limit)) {
      byId.put(r.id(), r);
    }
    for (AuditRecord r : topic.get()) {
      byId.putIfAbsent(r.id(), r);
    }
    List<AuditRecord> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparingLong(AuditRecord::at).reversed());
    return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
  }

  /** Reads the last {@value #MAX} records of each partition of {@code topic}; invalid ones are skipped (logged). */
  public static List<AuditRecord> readTail(KafkaConnection kafka, String topic, Duration timeout) {
    List<AuditRecord> out = new ArrayList<>();
    WireCodec codec = new WireCodec();
    try (KafkaConsumer<String, byte[]> c = NoticeTopicReader.consumer(kafka)) {
      List<TopicPartition> parts = NoticeTopicReader.assignAll(c, topic, timeout);
      Map<TopicPartition, Long> begin = c.beginningOffsets(parts, timeout);
      Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
      for (TopicPartition tp : parts) {
        c.seek(tp, Math.max(begin.get(tp), end.get(tp) - MAX));
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read the tail of " + topic + " within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.value() == null || r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          try {
            out.add(codec.readAudit(r.value(), topic + "@" + r.offset()));
          } catch (IllegalArgumentException e) {
            LOG.warn("skipping an invalid audit record: {}", e.getMessage());
          }
        }
      }
    }
    return out;
  }
}
