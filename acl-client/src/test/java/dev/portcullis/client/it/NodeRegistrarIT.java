package dev.portcullis.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.client.register.NodeRegistrar;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.servers.ZooKeeper;
import dev.portcullis.wire.NodeRegistration;
import dev.portcullis.wire.WireCodec;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The node registration against a real ZooKeeper: it outlives a session loss and an operator's delete. */
@ExtendWith(RealServers.class)
class NodeRegistrarIT {

  private static final AtomicInteger RUN = new AtomicInteger();

  @Test
  void theRegistrationIsRecreatedAfterTheSessionExpiresAndAfterADelete(ZooKeeper zk) throws Exception {
    ZkPaths paths = new ZkPaths("/registrar-it-" + RUN.incrementAndGet() + "-" + System.nanoTime());
    String path = paths.node("shop", "shop-1:8080");
    NodeRegistration registration = new NodeRegistration("shop", "shop-1:8080", "0.1.0", 1_700_000_000_000L);
    try (CuratorFramework clientSide = ZkAccess.open(zk.connectString()).newClient();
        CuratorFramework operator = ZkAccess.open(zk.connectString()).newClient();
        NodeRegistrar registrar = new NodeRegistrar(clientSide, paths, registration)) {
      clientSide.start();
      operator.start();
      registrar.start();
      Stat first = awaitNode(operator, path, "the registration");
      long firstSession = clientSide.getZookeeperClient().getZooKeeper().getSessionId();
      assertThat(first.getEphemeralOwner()).as("an ephemeral node of the client's session").isEqualTo(firstSession);
      assertThat(new WireCodec().readNodeRegistration(operator.getData().forPath(path), path)).isEqualTo(registration);

      // expire the client's session on the server: a second handle on the same session, closed
      expireOnTheServer(zk.connectString(), clientSide);
      Timeouts.await("a new session with the node re-created", Duration.ofSeconds(30), () -> {
        Stat s = operator.checkExists().forPath(path);
        return s != null && s.getEphemeralOwner() != firstSession;
      });
      assertThat(clientSide.getZookeeperClient().getZooKeeper().getSessionId()).isNotEqualTo(firstSession);
      assertThat(new WireCodec().readNodeRegistration(operator.getData().forPath(path), path)).isEqualTo(registration);

      // an operator deletes it: it comes back
      operator.delete().forPath(path);
      awaitNode(operator, path, "the registration after a delete");
      Timeouts.await("the registrar's own view of it", Duration.ofSeconds(20), () -> path.equals(registrar.actualPath()));
    }
  }

  @Test
  void closingTheRegistrarRemovesTheNodeAtOnce(ZooKeeper zk) throws Exception {
    ZkPaths paths = new ZkPaths("/registrar-it-" + RUN.incrementAndGet() + "-" + System.nanoTime());
    String path = paths.node("shop", "shop-2:8080");
    try (CuratorFramework clientSide = ZkAccess.open(zk.connectString()).newClient();
        CuratorFramework operator = ZkAccess.open(zk.connectString()).newClient()) {
      clientSide.start();
      operator.start();
      NodeRegistrar registrar = new NodeRegistrar(clientSide, paths, new NodeRegistration("shop", "shop-2:8080", "0.1.0", 1L));
      registrar.start();
      awaitNode(operator, path, "the registration");
      // the registrar's own client must have seen its create answered too: another client may see the
      // node first, and a registrar closed before that has no path to delete (the session's end removes it)
      Timeouts.await("the registrar's create answered", Duration.ofSeconds(20), () -> registrar.actualPath() != null);
      registrar.close();
      registrar.close(); // idempotent
      assertThat(operator.checkExists().forPath(path)).as("gone before the session ends").isNull();
    }
  }

  private static Stat awaitNode(CuratorFramework operator, String path, String what) {
    Stat[] found = new Stat[1];
    Timeouts.await(what, Duration.ofSeconds(20), () -> (found[0] = operator.checkExists().forPath(path)) != null);
    return found[0];
  }

  private static void expireOnTheServer(String connectString, CuratorFramework victim) throws Exception {
    org.apache.zookeeper.ZooKeeper handle = victim.getZookeeperClient().getZooKeeper();
    CountDownLatch connected = new CountDownLatch(1);
    org.apache.zookeeper.ZooKeeper twin = new org.apache.zookeeper.ZooKeeper(connectString, 10_000, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    }, handle.getSessionId(), handle.getSessionPasswd());
    try {
      assertThat(connected.await(20, TimeUnit.SECONDS)).as("a second handle on the session").isTrue();
    } finally {
      twin.close(); // closes the session on the server: its ephemeral nodes go, the first handle sees Expired
    }
  }
}
