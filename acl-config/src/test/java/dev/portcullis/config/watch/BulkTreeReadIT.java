package dev.portcullis.config.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.servers.ZooKeeper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServers.class)
class BulkTreeReadIT {

  private CuratorFramework curator;
  private String root;

  @BeforeEach
  void setUp(ZooKeeper zk) throws Exception {
    curator = ZkAccess.open(zk.connectString()).withSessionTimeout(Duration.ofSeconds(30)).newClient();
    curator.start();
    curator.blockUntilConnected(30, TimeUnit.SECONDS);
    root = "/bulk-" + System.nanoTime();
  }

  @AfterEach
  void tearDown() {
    curator.close();
  }

  @Test
  void readsEveryNodeOfATreeLargerThanOneBatchWithItsDataAndVersion() throws Exception {
    // 7 buckets x 150 entries = 1,050 leaves: several data batches and a children batch of 7 folders
    for (int b = 0; b < 7; b++) {
      for (int e = 0; e < 150; e++) {
        curator.create().creatingParentsIfNeeded()
            .forPath(root + "/global/deny/b" + b + "/10.0." + b + "." + e + "_32", ("doc " + b + "/" + e).getBytes(StandardCharsets.UTF_8));
      }
    }
    curator.setData().forPath(root + "/global/deny/b3/10.0.3.7_32", "changed".getBytes(StandardCharsets.UTF_8));

    List<ConfigTreeReader.Node> nodes = BulkTreeRead.read(curator, root, 4, 30_000);

    Map<String, ConfigTreeReader.Node> byPath = new HashMap<>();
    nodes.forEach(n -> byPath.put(n.path(), n));
    // root, global, deny, 7 buckets, 1,050 entries; no duplicates
    assertThat(nodes).hasSize(1 + 1 + 1 + 7 + 1_050);
    assertThat(byPath).hasSize(nodes.size());
    ConfigTreeReader.Node changed = byPath.get(root + "/global/deny/b3/10.0.3.7_32");
    assertThat(new String(changed.data(), StandardCharsets.UTF_8)).isEqualTo("changed");
    Stat stat = curator.checkExists().forPath(root + "/global/deny/b3/10.0.3.7_32");
    assertThat(changed.mzxid()).isEqualTo(stat.getMzxid());
    assertThat(new String(byPath.get(root + "/global/deny/b6/10.0.6.149_32").data(), StandardCharsets.UTF_8))
        .isEqualTo("doc 6/149");
  }

  @Test
  void aMissingRootReadsAsAnEmptyTree() throws Exception {
    assertThat(BulkTreeRead.read(curator, root + "/absent", 4, 30_000)).isEmpty();
  }

  @Test
  void aReadThatZooKeeperRefusesFailsWithThePathNamed() throws Exception {
    curator.create().creatingParentsIfNeeded().withACL(List.of(new org.apache.zookeeper.data.ACL(
        org.apache.zookeeper.ZooDefs.Perms.ADMIN, org.apache.zookeeper.ZooDefs.Ids.ANYONE_ID_UNSAFE)))
        .forPath(root + "/secret", new byte[] {1});

    assertThatThrownBy(() -> BulkTreeRead.read(curator, root, 4, 30_000))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(root + "/secret")
        .hasMessageContaining("NOAUTH");
  }
}
