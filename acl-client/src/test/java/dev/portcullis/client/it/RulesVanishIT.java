package dev.portcullis.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.keys.ListKind;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.servers.ZooKeeper;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.testkit.Timeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client whose rules tree vanishes from ZooKeeper keeps enforcing its last rules, keeps its snapshot
 * and says why, even with a single rule in force (below the mass-removal threshold) and with its own
 * registration recreating the root's path (this test found both holes).
 */
@ExtendWith(RealServers.class)
class RulesVanishIT {

  @TempDir
  Path tmp;

  @Test
  void rulesRootDeleted_enforcementAndSnapshotUnchanged_andStatusSaysSo(ZooKeeper zk) throws Exception {
    ZkPaths paths = new ZkPaths("/vanish-" + System.nanoTime());
    Path snapshot = tmp.resolve("shop.snapshot");
    try (CuratorFramework curator = ZkAccess.open(zk.connectString()).newClient()) {
      curator.start();
      curator.blockUntilConnected(20, TimeUnit.SECONDS);
      ConfigStore store = new ConfigStore(curator, paths, new ConfigCodec(), ZkAccess.open(zk.connectString()));
      store.addEntry(null, ListKind.DENY, new ListEntry(Cidr.parse("198.51.100.0/24"), null, "scrapers", "it", 1), false);
      try (AclClient c = AclClient.builder("shop").node("vanish:1").zooKeeper(zk.connectString()).zkRoot(paths.root())
          .snapshotFile(snapshot).build()) {
        c.start();
        Timeouts.await("the deny entry in force and written to the snapshot", Duration.ofSeconds(30),
            () -> c.check("198.51.100.7", "GET /").reason() == Decision.Reason.DENY_LIST && Files.exists(snapshot));
        Timeouts.await("the snapshot written", Duration.ofSeconds(10), () -> Files.size(snapshot) > 0);
        byte[] before = Files.readAllBytes(snapshot);

        curator.delete().deletingChildrenIfNeeded().forPath(paths.root());
        Timeouts.await("the vanished tree reported in status", Duration.ofSeconds(30), () -> c.status().rulesHeld() != null);
        // the client's own registration recreates the root's path at once, empty: held as a tree with no rules
        assertThat(c.status().rulesHeld()).containsAnyOf("does not exist", "holds no rules");
        assertThat(c.check("198.51.100.7", "GET /").reason()).as("still enforced").isEqualTo(Decision.Reason.DENY_LIST);
        assertThat(Files.readAllBytes(snapshot)).as("the snapshot file is not overwritten").isEqualTo(before);
      }
    }
  }
}
