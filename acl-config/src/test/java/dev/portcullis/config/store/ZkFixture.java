package dev.portcullis.config.store;

import dev.portcullis.config.ConfigCodec;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.servers.ZooKeeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;

/** Curator clients and a fresh root per test against the shared real ZooKeeper. Close after each test. */
final class ZkFixture implements AutoCloseable {

  private static final AtomicInteger ROOTS = new AtomicInteger();

  final ZooKeeper zk;
  final ZkPaths paths;
  final ConfigCodec codec = new ConfigCodec();
  private final List<AutoCloseable> owned = new ArrayList<>();

  ZkFixture(ZooKeeper zk) {
    this.zk = zk;
    this.paths = new ZkPaths("/it" + ROOTS.incrementAndGet() + "-" + System.nanoTime());
  }

  CuratorFramework client(ZkAccess access) {
    CuratorFramework c = access.newClient();
    c.start();
    owned.add(c);
    try {
      if (!c.blockUntilConnected((int) Timeouts.scaled(Duration.ofSeconds(20)).toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("could not connect to " + zk.describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return c;
  }

  CuratorFramework client() {
    return client(ZkAccess.open(zk.connectString()));
  }

  ConfigStore store() {
    return new ConfigStore(client(), paths, codec, ZkAccess.open(zk.connectString()));
  }

  <T extends AutoCloseable> T own(T c) {
    owned.add(c);
    return c;
  }

  @Override
  public void close() throws Exception {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
  }
}
