package dev.portcullis.notifier.api;

import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.wire.NodeRegistration;
import dev.portcullis.wire.WireCodec;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/** The nodes an app's clients registered in ZooKeeper ({@code apps/<app>/nodes}, ephemeral): who is up. */
final class LiveNodes {

  private final ConfigStore store;
  private final CuratorFramework curator;
  private final WireCodec codec = new WireCodec();

  LiveNodes(ConfigStore store, CuratorFramework curator) {
    this.store = store;
    this.curator = curator;
  }

  List<NodeRegistration> of(String app) throws Exception {
    List<NodeRegistration> out = new ArrayList<>();
    String dir = store.paths().nodes(app);
    List<String> children;
    try {
      children = curator.getChildren().forPath(dir);
    } catch (KeeperException.NoNodeException e) {
      return out;
    }
    for (String child : children) {
      try {
        out.add(codec.readNodeRegistration(curator.getData().forPath(dir + "/" + child), dir + "/" + child));
      } catch (KeeperException.NoNodeException | IllegalArgumentException gone) {
        // ended meanwhile, or not a registration
      }
    }
    return out;
  }
}
