package dev.portcullis.client.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.IpAddress;
import dev.portcullis.keys.KafkaKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class AccessPartitionerTest {

  private static Cluster cluster(String topic, int partitions) {
    Node node = new Node(0, "127.0.0.1", 9092);
    List<PartitionInfo> infos = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      infos.add(new PartitionInfo(topic, p, node, new Node[] {node}, new Node[] {node}));
    }
    return new Cluster("c", List.of(node), infos, Set.of(), Set.of());
  }

  private final AccessPartitioner partitioner = new AccessPartitioner();

  private int partition(String key, int partitions) {
    return partitioner.partition("acl.access", key, key.getBytes(StandardCharsets.UTF_8), null, null,
        cluster("acl.access", partitions));
  }

  @Test
  void anAccessKey_goesToItsAddressBlocksPartition() {
    for (String ip : new String[] {"198.51.100.7", "198.51.100.250", "2001:db8:0:7::1"}) {
      assertThat(partition("shop|" + ip, 12))
          .isEqualTo(KafkaKeys.accessPartition("shop", IpAddress.parse(ip), 12));
    }
    assertThat(partition("shop|198.51.100.7", 12)).isEqualTo(partition("shop|198.51.100.250", 12));
  }

  @Test
  void aTypedAccessKey_goesToTheSamePartitionAsItsTextForm() {
    for (String ip : new String[] {"198.51.100.7", "203.0.113.9", "2001:db8:0:7::1", "::ffff:10.1.2.3"}) {
      KafkaKeys.AccessKey key = new KafkaKeys.AccessKey("shop", IpAddress.parse(ip));
      int typed = partitioner.partition("acl.access", key, new AccessKeySerializer().serialize("acl.access", key), null, null,
          cluster("acl.access", 12));
      assertThat(typed).isEqualTo(partition(key.toString(), 12)).isEqualTo(key.partition(12));
      assertThat(key.toString()).isEqualTo(KafkaKeys.access("shop", IpAddress.parse(ip)));
    }
  }

  @Test
  void anyOtherKey_isHashedAsKafkasDefaultPartitionerHashesKeys() {
    String key = "not-an-access-key";
    assertThat(partition(key, 12))
        .isEqualTo(Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 12);
    assertThat(partition("shop|not.an.ip", 12))
        .isEqualTo(Utils.toPositive(Utils.murmur2("shop|not.an.ip".getBytes(StandardCharsets.UTF_8))) % 12);
  }
}
