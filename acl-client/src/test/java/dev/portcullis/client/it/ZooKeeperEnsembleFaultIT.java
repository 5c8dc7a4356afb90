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
import dev.portcullis.servers.ZooKeeperEnsemble;
import dev.portcullis.testkit.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * Clients on a real three-member ZooKeeper ensemble (three JVMs) through its faults: the member
 * leading it is SIGKILLed (two remain, a quorum: clients follow a change made then); another is cut
 * off as by a partition (SIGSTOP) so no quorum is left (clients keep deciding from the rules they
 * have, every call answered); the partition heals and the killed member returns (clients follow the
 * change made next); last the new leader alone is cut off, the other two keep a quorum, and clients
 * (those on the cut-off member move to another) follow the change made then.
 */
class ZooKeeperEnsembleFaultIT {

  @Test
  void membersKilledAndPartitionedOff_clientsKeepTheirRulesAndFollowChanges() throws Exception {
    try (ZooKeeperEnsemble zk = ZooKeeperEnsemble.start(3)) {
      String root = "/ensemble-it-" + System.nanoTime();
      List<AclClient> clients = new ArrayList<>();
      try (CuratorFramework curator = ZkAccess.open(zk.connectString()).newClient()) {
        curator.start();
        curator.blockUntilConnected(30, TimeUnit.SECONDS);
        ConfigStore store = new ConfigStore(curator, new ZkPaths(root), new ConfigCodec(), ZkAccess.open(zk.connectString()));
        deny(store, "198.51.100.1");
        for (int i = 0; i < 3; i++) {
          AclClient c = AclClient.builder("shop").node("shop-" + i + ":8080").zooKeeper(zk.connectString()).zkRoot(root)
              .build();
          clients.add(c);
          c.start();
        }
        awaitDenied(clients, "198.51.100.1", "the first rule");

        int leader = zk.leader();
        assertThat(leader).as("a member leads").isPositive();
        zk.kill(leader);
        deny(store, "198.51.100.2"); // retried by Curator until the two left have elected a leader
        awaitDenied(clients, "198.51.100.2", "a change made with the leader killed");

        int cutOff = leader == 1 ? 2 : 1;
        zk.freeze(cutOff);
        Timeouts.holdsFor(Duration.ofSeconds(3), Duration.ofMillis(100), () -> { // without a quorum
          for (AclClient c : clients) {
            assertThat(c.check("198.51.100.1", "GET /").outcome()).isEqualTo(Decision.Outcome.DENY);
            assertThat(c.check("198.51.100.2", "GET /").outcome()).isEqualTo(Decision.Outcome.DENY);
            assertThat(c.check("192.0.2.10", "GET /").outcome()).isEqualTo(Decision.Outcome.ALLOW);
          }
        });

        zk.thaw(cutOff);
        zk.restart(leader);
        deny(store, "198.51.100.3");
        awaitDenied(clients, "198.51.100.3", "a change made once the partition healed");
        for (AclClient c : clients) {
          assertThat(c.check("198.51.100.1", "GET /").outcome()).as("the first rule kept").isEqualTo(Decision.Outcome.DENY);
        }

        int partitioned = zk.leader(); // the leader cut off alone: the other two elect another and keep a quorum
        assertThat(partitioned).as("a member leads again").isPositive();
        zk.freeze(partitioned);
        deny(store, "198.51.100.4");
        awaitDenied(clients, "198.51.100.4", "a change made with the leader partitioned off");
        zk.thaw(partitioned);
      } finally {
        clients.forEach(AclClient::close);
      }
    }
  }

  private static void deny(ConfigStore store, String ip) throws Exception {
    store.addEntry("shop", ListKind.DENY, new ListEntry(Cidr.parse(ip), null, "ensemble it", "it", 1), false);
  }

  private static void awaitDenied(List<AclClient> clients, String ip, String what) {
    Timeouts.await(what + " at every client", Duration.ofSeconds(90),
        () -> clients.stream().allMatch(c -> c.check(ip, "GET /").outcome() == Decision.Outcome.DENY));
  }
}
