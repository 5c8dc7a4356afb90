package dev.portcullis.notifier.intercept;

import dev.portcullis.transport.KafkaConnection;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the compacted notices topic from the beginning to its current end: the intercepts in force. */
public final class NoticeTopicReader {

  private static final Logger LOG = LoggerFactory.getLogger(NoticeTopicReader.class);

  private NoticeTopicReader() {}

  public static Collection<InterceptNotice> readAll(KafkaConnection kafka, String topic, Duration timeout) {
    Map<String, InterceptNotice> byKey = new HashMap<>();
    WireCodec codec = new WireCodec();
    try (KafkaConsumer<String, byte[]> c = consumer(kafka)) {
      List<TopicPartition> parts = assignAll(c, topic, timeout);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            byKey.remove(r.key());
            continue;
          }
          try {
            InterceptNotice n = codec.readNotice(r.value(), topic + "@" + r.offset());
            byKey.put(r.key(), n);
          } catch (IllegalArgumentException e) {
            LOG.warn("skipping an invalid notice: {}", e.getMessage());
          }
        }
      }
    }
    return byKey.values();
  }

  /** A consumer without a group that commits nothing, for reading a topic through. */
  static KafkaConsumer<String, byte[]> consumer(KafkaConnection kafka) {
    Map<String, Object> configs = kafka.configs();
    configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(configs, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Assigns every partition of {@code topic} to {@code c}; returns them. */
  static List<TopicPartition> assignAll(KafkaConsumer<?, ?> c, String topic, Duration timeout) {
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo p : c.partitionsFor(topic, timeout)) {
      parts.add(new TopicPartition(topic, p.partition()));
    }
    c.assign(parts);
    return parts;
  }
}
