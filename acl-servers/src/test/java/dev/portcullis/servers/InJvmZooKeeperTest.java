package dev.portcullis.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/** The in-JVM ZooKeeper on its own server classes: real clients, data kept across a restart, removed by close. */
class InJvmZooKeeperTest {

  private static ZooKeeper connect(String connectString) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper(connectString, 10_000, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    });
    assertThat(connected.await(30, TimeUnit.SECONDS)).as("connected to " + connectString).isTrue();
    return zk;
  }

  @Test
  void dataSurvivesARestartOnTheSamePort_andCloseRemovesIt() throws Exception {
    InJvmZooKeeper server = InJvmZooKeeper.start();
    try {
      assertThat(server.connectString()).startsWith("127.0.0.1:");
      ZooKeeper client = connect(server.connectString());
      client.create("/kept", "v1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      client.close();

      server.stop();
      server.stop(); // idempotent
      server.restart();
      ZooKeeper again = connect(server.connectString());
      assertThat(new String(again.getData("/kept", false, null), StandardCharsets.UTF_8)).isEqualTo("v1");
      again.close();
    } finally {
      server.close();
    }
    server.close(); // idempotent
    assertThat(Ports.isOpen(Integer.parseInt(server.connectString().substring("127.0.0.1:".length())))).isFalse();
  }
}
