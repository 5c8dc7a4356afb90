package dev.portcullis.client.config;

import dev.portcullis.client.AclClientSettings;
import dev.portcullis.client.decide.RuleInstaller;
import dev.portcullis.client.register.NodeRegistrar;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.config.watch.ConfigWatcher;
import dev.portcullis.config.watch.SnapshotFile;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.wire.NodeRegistration;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a client's rules come from: the snapshot file and ZooKeeper (a watcher that keeps the file
 * current), or the file alone when there is no ZooKeeper; and the node's registration. {@link #start()}
 * starts them without waiting for ZooKeeper or reading the file on the caller's thread. Not
 * thread-safe; {@link #close()} is idempotent and closes what it started, in reverse.
 */
public final class RuleSources implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RuleSources.class);

  private final AclClientSettings settings;
  private final CuratorFramework externalCurator;
  private final RuleInstaller rules;
  private final Clock clock;
  private final long startedAt;
  private final List<AutoCloseable> parts = new ArrayList<>();
  private ConfigWatcher watcher;

  /** @param externalCurator a started client the caller owns, or null to connect to {@code settings.zooKeeper()} */
  public RuleSources(AclClientSettings settings, CuratorFramework externalCurator, RuleInstaller rules, Clock clock,
      long startedAt) {
    this.settings = settings;
    this.externalCurator = externalCurator;
    this.rules = rules;
    this.clock = clock;
    this.startedAt = startedAt;
  }

  public void start() {
    CuratorFramework curator = externalCurator;
    if (curator == null && settings.zooKeeper() != null) {
      curator = ZkAccess.reader(settings.zooKeeper(), settings.zkCredentials()).newClient();
      curator.start();
      parts.add(curator);
    }
    if (curator == null) {
      if (settings.snapshotFile() != null) {
        // everything on the loader's thread, even the JSON codec (tens of milliseconds to build cold):
        // the binary lists beside the snapshot when they belong to it, else the snapshot's JSON, streamed
        rules.loadAsync(() -> {
          ConfigCodec codec = new ConfigCodec();
          SnapshotFile file = new SnapshotFile(settings.snapshotFile(), new ConfigTreeCodec(codec));
          return SidecarRulesReader.read(file, settings.app(), clock.millis())
              .or(() -> file.read(body -> new SnapshotRulesReader(settings.app(), codec).read(body, clock.millis())));
        });
      }
      return;
    }
    ConfigCodec codec = new ConfigCodec();
    SnapshotFile file = settings.snapshotFile() == null ? null
        : new SnapshotFile(settings.snapshotFile(), new ConfigTreeCodec(codec));
    ZkPaths paths = new ZkPaths(settings.zkRoot());
    watcher = new ConfigWatcher(curator, paths, codec, file, clock);
    watcher.addListener(rules::apply);
    parts.add(watcher);
    watcher.start();
    NodeRegistrar registrar = new NodeRegistrar(curator, paths,
        new NodeRegistration(settings.app(), settings.node(), settings.version(), startedAt));
    parts.add(registrar);
    registrar.start();
  }

  /** The ZooKeeper watcher, or null when the rules come from the file alone. */
  public ConfigWatcher watcher() {
    return watcher;
  }

  @Override
  public void close() {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed; continuing", parts.get(i), e);
      }
    }
    parts.clear();
  }
}
