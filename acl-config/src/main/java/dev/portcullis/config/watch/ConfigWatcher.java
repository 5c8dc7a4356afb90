package dev.portcullis.config.watch;

import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.keys.ZkPaths;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a live {@link ConfigSnapshot} of everything under the ZooKeeper root and tells listeners
 * when it changes.
 *
 * <p>Lifecycle LATENT → STARTED → CLOSED: {@link #start()} once, {@link #close()} any number of
 * times. On start it publishes the local snapshot file if there is one (so a process that starts
 * while ZooKeeper is down enforces its last known lists), then starts a {@link CuratorCache} on
 * the root, which connects and reconnects by itself and re-reads the tree after a session expiry.
 * Every change schedules one rebuild on the watcher's own thread; rebuilds coalesce, so a burst of
 * a thousand writes costs a few rebuilds. A bad document is reported in {@link #stats()} and the
 * last good version of it stays in force. After each rebuild from ZooKeeper the snapshot is written
 * to the snapshot file.
 *
 * <p>Listeners run on the watcher thread, one at a time; an exception from one is logged and does
 * not reach the others. {@link #current()} is safe from any thread and never blocks.
 */
public final class ConfigWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

  private enum State { LATENT, STARTED, CLOSED }

  /** Where the current snapshot came from. */
  public enum Source { NONE, SNAPSHOT_FILE, ZOOKEEPER }

  /** How long a shrinking tree must stay the same before it is judged (and, if not held, enforced). */
  static final long SETTLE_MILLIS = 1_000;

  /** Counters and the current state, for health checks and metrics. */
  /** @param held why the tree in ZooKeeper is not enforced ({@link ShrinkGuard}), or null */
  public record Stats(Source source, long version, long updates, long invalidDocuments, long listenerFailures,
      Map<String, String> problems, long lastUpdateMillis, String held) {}

  private final CuratorFramework curator;
  private final ZkPaths paths;
  private final SnapshotFile snapshotFile;
  private final Clock clock;
  private final ConfigTreeReader reader;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final AtomicReference<ConfigSnapshot> current = new AtomicReference<>(ConfigSnapshot.EMPTY);
  private final List<Consumer<ConfigSnapshot>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean rebuildPending = new AtomicBoolean();
  private final AtomicBoolean initialized = new AtomicBoolean();
  private final AtomicLong updates = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();
  private volatile Source source = Source.NONE;
  private volatile long lastUpdateMillis;
  private volatile Map<String, String> problems = Map.of();
  private volatile long invalidDocuments;
  private volatile String held;
  private Supplier<OptionalInt> snapshotLoadedElsewhere;
  private volatile int snapshotRules;
  /** Watcher thread only: when the tree began to have this many fewer rules than are in force, or 0. */
  private long shrinkingSince;
  private int shrinkingSize;
  private ScheduledExecutorService thread;
  private volatile CuratorCache cache;
  private final long bulkTimeoutMillis = 60_000;

  /**
   * @param curator      a started client, owned by the caller
   * @param snapshotFile where to keep the last good snapshot, or {@code null} for none
   */
  public ConfigWatcher(CuratorFramework curator, ZkPaths paths, ConfigCodec codec, SnapshotFile snapshotFile, Clock clock) {
    this.curator = curator;
    this.paths = paths;
    this.snapshotFile = snapshotFile;
    this.clock = clock;
    this.reader = new ConfigTreeReader(paths, codec);
  }

  /** Adds a listener called with every new snapshot (on the watcher thread). */
  public void addListener(Consumer<ConfigSnapshot> listener) {
    listeners.add(listener);
  }

  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("a ConfigWatcher can be started once; it is " + state.get());
    }
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "portcullis-config-watcher");
      t.setDaemon(true);
      return t;
    });
    if (snapshotFile != null) {
      // read and parse on the watcher's thread: a large snapshot takes seconds, and start() must not wait
      thread.execute(() -> {
        OptionalInt loadedElsewhere = snapshotLoadedElsewhere == null ? OptionalInt.empty() : snapshotLoadedElsewhere.get();
        if (loadedElsewhere.isPresent()) {
          snapshotRules = loadedElsewhere.getAsInt();
          return;
        }
        snapshotFile.read().ifPresent(fromFile -> {
          if (source == Source.NONE) {
            LOG.info("enforcing the config snapshot from {} until ZooKeeper answers", snapshotFile.path());
            publish(fromFile, Source.SNAPSHOT_FILE);
          }
        });
      });
    }
    // read the tree fast first, then start the cache: running both at once only makes both slower
    thread.execute(() -> {
      bulkLoad();
      startCache();
    });
  }

  /**
   * Before {@link #start()}: the caller puts the snapshot file's rules in force itself (a client reads
   * their compact form), and {@code rulesInForce} counts them (as {@link ShrinkGuard#size} would) or is
   * empty when it could not, in which case this watcher reads and publishes the snapshot as usual. The
   * first tree from ZooKeeper is then judged against that count, and {@link #current()} stays empty
   * until ZooKeeper answers, so the watcher never holds the parsed snapshot.
   */
  public void snapshotLoadedElsewhere(Supplier<OptionalInt> rulesInForce) {
    if (state.get() != State.LATENT) {
      throw new IllegalStateException("snapshotLoadedElsewhere must be called before start()");
    }
    this.snapshotLoadedElsewhere = rulesInForce;
  }

  /** The rules in force, as the guard counts them: the current snapshot's, or those loaded elsewhere. */
  private int rulesInForce(long nowMillis) {
    return source == Source.NONE ? snapshotRules : ShrinkGuard.size(current.get(), nowMillis);
  }

  private void startCache() {
    if (state.get() != State.STARTED) {
      return;
    }
    CuratorCache c = CuratorCache.build(curator, paths.root());
    c.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, oldData, data) -> scheduleRebuild())
        .forInitialized(() -> {
          initialized.set(true);
          scheduleRebuild();
        })
        .build(), thread);
    cache = c;
    c.start();
  }

  /**
   * One fast parallel read of the whole tree at start, published unless the cache has already
   * delivered (both run on the watcher thread, so the order is decided here). Skipped quietly when
   * ZooKeeper is not reachable yet: the cache catches up by itself.
   */
  private void bulkLoad() {
    try {
      if (!curator.getZookeeperClient().isConnected()
          && !curator.blockUntilConnected((int) Math.min(2_000, bulkTimeoutMillis), TimeUnit.MILLISECONDS)) {
        return;
      }
      long t0 = System.nanoTime();
      List<ConfigTreeReader.Node> nodes = BulkTreeRead.read(curator, paths.root(), 8, bulkTimeoutMillis);
      if (initialized.get() || state.get() != State.STARTED) {
        return;
      }
      long t1 = System.nanoTime();
      ConfigSnapshot s = reader.read(nodes);
      LOG.info("read {} znodes under {} in {} ms, parsed them in {} ms", nodes.size(), paths.root(),
          (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
      problems = reader.problems();
      invalidDocuments = reader.invalidDocuments();
      if (heldBack(s, nodes)) {
        return;
      }
      publish(s, Source.ZOOKEEPER);
      if (snapshotFile != null) {
        snapshotFile.write(s);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.error("could not write the config snapshot file {}: {}", snapshotFile.path(), e.toString());
    } catch (Exception e) {
      LOG.info("initial bulk read of {} skipped ({}); the cache will catch up", paths.root(), e.getMessage());
    }
  }

  /** The newest snapshot; {@link ConfigSnapshot#EMPTY} until the first one arrives. */
  public ConfigSnapshot current() {
    return current.get();
  }

  /** True once a snapshot from ZooKeeper has been published. */
  public boolean isSynced() {
    return source == Source.ZOOKEEPER;
  }

  public Stats stats() {
    return new Stats(source, current.get().version(), updates.get(), invalidDocuments, listenerFailures.get(), problems,
        lastUpdateMillis, held);
  }

  private void scheduleRebuild() {
    if (!initialized.get() || state.get() != State.STARTED) {
      return;
    }
    if (rebuildPending.compareAndSet(false, true)) {
      try {
        thread.execute(this::rebuild);
      } catch (RejectedExecutionException e) {
        rebuildPending.set(false); // closing
      }
    }
  }

  private void rebuild() {
    rebuildPending.set(false);
    try {
      List<ConfigTreeReader.Node> nodes = new ArrayList<>();
      cache.stream().forEach(d -> nodes.add(node(d)));
      ConfigSnapshot next = reader.read(nodes);
      problems = reader.problems();
      invalidDocuments = reader.invalidDocuments();
      if (!problems.isEmpty()) {
        LOG.warn("config has {} invalid document(s); last good versions stay in force: {}", problems.size(), problems);
      }
      if (settling(next)) {
        return;
      }
      if (heldBack(next, nodes)) {
        return;
      }
      publish(next, Source.ZOOKEEPER);
      if (snapshotFile != null) {
        snapshotFile.write(next);
      }
    } catch (IOException e) {
      LOG.error("could not write the config snapshot file {}: {}", snapshotFile.path(), e.toString());
    } catch (RuntimeException e) {
      LOG.error("config rebuild failed; keeping the current snapshot", e);
    }
  }

  /**
   * True iff {@code next} has fewer rules in force than the current snapshot and the tree has not yet
   * stopped shrinking for {@link #SETTLE_MILLIS}: a deletion of many znodes arrives as many events,
   * and judging (and enforcing) each intermediate tree would let a mass removal through a little at a
   * time. The rebuild is tried again when the tree has settled; growth is enforced at once.
   */
  private boolean settling(ConfigSnapshot next) {
    long now = clock.millis();
    int size = ShrinkGuard.size(next, now);
    if (size >= rulesInForce(now)) {
      shrinkingSince = 0;
      return false;
    }
    if (shrinkingSince == 0 || size != shrinkingSize) {
      shrinkingSince = now;
      shrinkingSize = size;
    }
    if (now - shrinkingSince >= SETTLE_MILLIS) {
      shrinkingSince = 0;
      return false;
    }
    try {
      thread.schedule(this::scheduleRebuild, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
    return true;
  }

  /** True iff {@code next} is held back by the {@link ShrinkGuard} (reported, not enforced, not written). */
  private boolean heldBack(ConfigSnapshot next, List<ConfigTreeReader.Node> nodes) {
    String refusal = ShrinkGuard.refusal(rulesInForce(clock.millis()), next, nodes, paths.root(), clock.millis());
    if (refusal != null && !refusal.equals(held)) {
      LOG.error("not enforcing the rules tree in ZooKeeper: {}", refusal);
    } else if (refusal == null && held != null) {
      LOG.info("the rules tree in ZooKeeper is enforced again");
    }
    held = refusal;
    return refusal != null;
  }

  private static ConfigTreeReader.Node node(ChildData d) {
    return new ConfigTreeReader.Node(d.getPath(), d.getData() == null ? new byte[0] : d.getData(),
        d.getStat() == null ? 0 : d.getStat().getMzxid());
  }

  private void publish(ConfigSnapshot s, Source from) {
    current.set(s);
    source = from;
    lastUpdateMillis = clock.millis();
    updates.incrementAndGet();
    for (Consumer<ConfigSnapshot> l : listeners) {
      try {
        l.accept(s);
      } catch (RuntimeException e) {
        listenerFailures.incrementAndGet();
        LOG.error("config listener {} failed; other listeners still run", l, e);
      }
    }
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) != State.STARTED) {
      return;
    }
    thread.shutdown();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
    CuratorCache c = cache;
    if (c != null) {
      try {
        c.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the config cache failed", e);
      }
    }
  }
}
