package dev.portcullis.client.config;

import dev.portcullis.client.AclClientSettings;
import dev.portcullis.client.decide.RuleInstaller;
import dev.portcullis.client.thread.Parts;
import dev.portcullis.client.register.NodeRegistrar;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.config.watch.ConfigWatcher;
import dev.portcullis.config.watch.SnapshotFile;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.wire.NodeRegistration;
import dev.portcullis.client.decide.AppRules;
import java.time.Clock;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a client's rules come from: the snapshot file and ZooKeeper (a watcher that keeps the file
 * current), or the file alone when there is no ZooKeeper; and the node's registration. {@link #start()}
 * starts them without waiting for ZooKeeper or reading the file on the caller's thread; a client
 * calls its two halves apart ({@link #startFile()} at once, {@link #startZooKeeper()} on a thread of
 * its own). Not thread-safe; {@link #close()} is idempotent and closes what it started, in reverse.
 */
public final class RuleSources implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RuleSources.class);

  private final AclClientSettings settings;
  private final CuratorFramework externalCurator;
  private final RuleInstaller rules;
  private final Clock clock;
  private final long startedAt;
  private final Parts parts = new Parts(LOG);
  private volatile ConfigWatcher watcher;

  /** @param externalCurator a started client the caller owns, or null to connect to {@code settings.zooKeeper()} */
  public RuleSources(AclClientSettings settings, CuratorFramework externalCurator, RuleInstaller rules, Clock clock,
      long startedAt) {
    this.settings = settings;
    this.externalCurator = externalCurator;
    this.rules = rules;
    this.clock = clock;
    this.startedAt = startedAt;
  }

  /** Both halves, on the caller's thread. */
  public void start() {
    startFile();
    if (usesZooKeeper()) {
      startZooKeeper();
    }
  }

  /**
   * The snapshot file's rules, loaded on the rule installer's thread; returns at once. Without
   * ZooKeeper: the binary lists beside the snapshot when they belong to it, else the snapshot's JSON,
   * streamed. With ZooKeeper: the lists sidecar only (without one, the watcher reads the snapshot).
   */
  public void startFile() {
    if (settings.snapshotFile() == null) {
      return;
    }
    boolean zooKeeper = usesZooKeeper();
    // everything on the loader's thread, even the JSON codec (tens of milliseconds to build cold)
    rules.loadAsync(() -> {
      ConfigCodec codec = new ConfigCodec();
      SnapshotFile file = new SnapshotFile(settings.snapshotFile(), new ConfigTreeCodec(codec));
      Optional<AppRules> lists = SidecarRulesReader.read(file, settings.app(), clock.millis());
      return zooKeeper ? lists
          : lists.or(() -> file.read(body -> new SnapshotRulesReader(settings.app(), codec).read(body, clock.millis())));
    });
  }

  /** True iff the rules also come from ZooKeeper. */
  public boolean usesZooKeeper() {
    return externalCurator != null || settings.zooKeeper() != null;
  }

  /**
   * The ZooKeeper half: the Curator client (unless the caller gave one), the watcher and the node's
   * registration. Building them takes a fresh JVM a few hundred milliseconds (class loading), so a
   * client calls this on a thread of its own; it waits for no server.
   */
  public void startZooKeeper() {
    CuratorFramework curator = externalCurator;
    if (curator == null) {
      curator = ZkAccess.reader(settings.zooKeeper(), settings.zkCredentials())
          .withClientConfig(settings.zkClientConfig()).newClient();
      curator.start();
      parts.add(curator);
    }
    ConfigCodec codec = new ConfigCodec();
    SnapshotFile file = settings.snapshotFile() == null ? null
        : new SnapshotFile(settings.snapshotFile(), new ConfigTreeCodec(codec));
    ZkPaths paths = new ZkPaths(settings.zkRoot());
    ConfigWatcher w = new ConfigWatcher(curator, paths, codec, file, clock);
    w.addListener(rules::apply);
    if (file != null) {
      // until ZooKeeper answers, the snapshot's lists come from their sidecar (startFile), compact; the
      // watcher only counts them (to judge the first tree against), and reads the snapshot itself only
      // when there is no sidecar
      w.snapshotLoadedElsewhere(() -> SidecarRulesReader.rulesInForce(file, clock.millis()));
    }
    parts.add(w);
    w.start();
    watcher = w;
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
    parts.closeAll();
  }
}
