package dev.portcullis.client.emit;

import dev.portcullis.keys.KafkaKeys;
import java.util.Map;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;

/**
 * The producer partitioner for {@code acl.access}: sends each record to
 * {@link KafkaKeys#accessPartition} of its key, so that the records of one address block share a
 * partition and the aggregator counts their prefix windows without a second pass through Kafka. The
 * client's emitter sends typed {@link KafkaKeys.AccessKey}s, placed by their address's bits; a text
 * key {@code <app>|<ip>} (another producer of access events) is parsed. Any other key (nothing the
 * client sends) is hashed as Kafka's default partitioner hashes keys. Runs on the producer's sending
 * path, never on a request thread.
 */
public final class AccessPartitioner implements Partitioner {

  @Override
  public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
    int partitions = cluster.partitionsForTopic(topic).size();
    int home = key instanceof KafkaKeys.AccessKey k ? k.partition(partitions)
        : key instanceof String k ? KafkaKeys.accessPartitionOfKey(k, partitions) : -1;
    if (home >= 0) {
      return home;
    }
    return keyBytes == null ? 0 : Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
  }

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public void close() {}
}
