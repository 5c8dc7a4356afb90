package dev.portcullis.client.register;

import dev.portcullis.keys.ZkPaths;
import dev.portcullis.wire.NodeRegistration;
import dev.portcullis.wire.WireCodec;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an ephemeral znode {@code /apps/<app>/nodes/<node>} alive for this client, so operators see
 * which nodes are running. Curator's {@link PersistentNode} re-creates it after a session loss or
 * a deletion. Creating it never blocks the caller; while ZooKeeper is away the node simply is not
 * there.
 */
public final class NodeRegistrar implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistrar.class);

  private enum State { LATENT, STARTED, CLOSED }

  private final PersistentNode node;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);

  public NodeRegistrar(CuratorFramework curator, ZkPaths paths, NodeRegistration registration) {
    this.node = new PersistentNode(curator, CreateMode.EPHEMERAL, false,
        paths.node(registration.app(), registration.node()), new WireCodec().write(registration));
  }

  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("the registrar can be started once; it is " + state.get());
    }
    node.start();
  }

  /** The path of the znode once created, or null while it is not there. */
  public String actualPath() {
    return node.getActualPath();
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) != State.STARTED) {
      return;
    }
    try {
      node.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("removing the node registration failed", e);
    }
  }
}
