package dev.portcullis.client.kafka;

import dev.portcullis.client.AclClientSettings;
import dev.portcullis.client.emit.AccessPartitioner;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The Kafka client settings a service's {@code AclClient} runs with. The producer is tuned for many
 * small coalesced records that must never hold a request thread: lz4, 64 KB batches, 20 ms linger,
 * a 16 MB buffer and {@code max.block.ms} 200 (the emitter thread, not a request thread, is the one
 * that may wait), idempotent with {@code acks=all}. The deployment's overrides win over every default.
 * Both start from the deployment's connection ({@link AclClientSettings#kafkaConnection()}: SASL, TLS).
 */
public final class KafkaClientConfigs {

  private KafkaClientConfigs() {}

  /** The producer of {@code acl.access}. */
  public static Map<String, Object> accessProducer(AclClientSettings s) {
    Map<String, Object> p = new HashMap<>(s.kafkaConnection().configs());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "portcullis-" + s.app() + "-" + s.node());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 200);
    p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, AccessPartitioner.class);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.putAll(s.producerOverrides());
    return p;
  }

  /**
   * The consumer of {@code acl.notices}, read as a broadcast (assigned, no group, no commits).
   *
   * @param partitionCheck how soon partitions added to the topic are seen (its metadata's max age)
   */
  public static Map<String, Object> noticeConsumer(AclClientSettings s, Duration partitionCheck) {
    Map<String, Object> c = new HashMap<>(s.kafkaConnection().configs());
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "portcullis-notices-" + s.app() + "-" + s.node());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) partitionCheck.toMillis());
    return c;
  }
}
