package dev.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.address.IpAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPartitionTest {

  @Test
  void theAddressesOfOneBlock_shareAPartition() {
    for (int p : new int[] {1, 4, 12, 64}) {
      int v4 = KafkaKeys.accessPartition("shop", IpAddress.parse("198.51.100.1"), p);
      int v6 = KafkaKeys.accessPartition("shop", IpAddress.parse("2001:db8:0:7::1"), p);
      for (int host = 0; host < 256; host++) {
        assertThat(KafkaKeys.accessPartition("shop", IpAddress.parse("198.51.100." + host), p)).isEqualTo(v4);
        assertThat(KafkaKeys.accessPartition("shop", IpAddress.parse("2001:db8:0:7::" + Integer.toHexString(host * 251)), p))
            .isEqualTo(v6);
      }
      assertThat(KafkaKeys.accessPartition("shop", IpAddress.parse("::ffff:198.51.100.9"), p))
          .as("an IPv4-mapped address is its IPv4 address").isEqualTo(v4);
    }
  }

  @Test
  void blocksAndApps_spreadOverEveryPartitionEvenly() {
    int partitions = 12;
    int[] count = new int[partitions];
    for (int block = 0; block < 12_000; block++) {
      count[KafkaKeys.accessPartition("shop", IpAddress.ofV4(0x0A00_0000 + (block << 8)), partitions)]++;
    }
    for (int c : count) {
      assertThat(c).isBetween(800, 1200); // 1,000 each on average
    }
    Set<Integer> apps = new HashSet<>();
    for (int app = 0; app < 100; app++) {
      apps.add(KafkaKeys.accessPartition("app-" + app, IpAddress.parse("198.51.100.1"), partitions));
    }
    assertThat(apps).as("one block of many apps does not land on one partition").hasSizeGreaterThan(8);
  }

  @Test
  void theFunctionIsFixed_soThatEveryClientAndWorkerAgrees() {
    // golden values: a change here re-partitions every fleet (clients and workers must agree)
    assertThat(KafkaKeys.accessPartition("shop", IpAddress.parse("198.51.100.7"), 12))
        .isEqualTo(KafkaKeys.accessPartition("shop", IpAddress.parse("198.51.100.200"), 12));
    assertThat(new int[] {
        KafkaKeys.accessPartition("shop", IpAddress.parse("198.51.100.7"), 12),
        KafkaKeys.accessPartition("shop", IpAddress.parse("203.0.113.7"), 12),
        KafkaKeys.accessPartition("shop", IpAddress.parse("2001:db8::1"), 12),
        KafkaKeys.accessPartition("admin", IpAddress.parse("198.51.100.7"), 12)})
        .containsExactly(GOLDEN);
  }

  private static final int[] GOLDEN = {7, 10, 9, 3};

  @Test
  void aPartitionCountBelowOne_isRefused() {
    assertThatThrownBy(() -> KafkaKeys.accessPartition("shop", IpAddress.parse("198.51.100.7"), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions");
  }
}
