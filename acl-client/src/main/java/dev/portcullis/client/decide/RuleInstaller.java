package dev.portcullis.client.decide;

import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts rules in force: compiles a config snapshot for one app and installs it in the
 * {@link DecisionEngine}, and compiles it again once its earliest entry has expired, so that the
 * tables drop what has lapsed (until then a lookup passes over a lapsed entry by itself).
 *
 * <p>Threads. {@link #apply} is called by whoever has a new snapshot (the config watcher, start-up);
 * calls are serialised. {@link #onTick} is called by the client's clock timer, often and cheaply:
 * when an expiry has passed it hands the recompile to this installer's own thread, because
 * compiling a million entries takes seconds and the timer keeps the request path's clock.
 */
public final class RuleInstaller implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RuleInstaller.class);
  private static final long RETRY_MILLIS = 1_000;

  private final String app;
  private final DecisionEngine engine;
  private final Clock clock;
  private final ExecutorService recompiler;
  private final AtomicBoolean recompiling = new AtomicBoolean();
  private final CountDownLatch inForce = new CountDownLatch(1);
  private volatile long nextRecompileAt = Long.MAX_VALUE;

  /** No thread starts until the first recompile. */
  public RuleInstaller(String app, DecisionEngine engine, Clock clock) {
    this.app = app;
    this.engine = engine;
    this.clock = clock;
    this.recompiler = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "portcullis-recompile-" + app);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * What requests get before any rules are in force: {@code mode} for this app and nothing else (no
   * lists, no limits). Does not count as rules in force.
   */
  public synchronized void untilRules(AppMode mode) {
    if (inForce()) {
      return;
    }
    AppConfig only = new AppConfig(app, new AppPolicy(mode, null, null, List.of(), false), List.of(), List.of(), List.of());
    engine.rules(CompiledRules.compile(app, new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(), List.of(),
        Map.of(app, only), 0)));
  }

  /** Compiles the app's part of {@code snapshot} and puts it in force. */
  public void apply(ConfigSnapshot snapshot) {
    apply(AppRules.of(app, snapshot));
  }

  /** Compiles {@code appRules} and puts them in force. */
  public synchronized void apply(AppRules appRules) {
    CompiledRules compiled = CompiledRules.compile(app, appRules);
    engine.rules(compiled);
    nextRecompileAt = compiled.nextExpiryAfter(clock.millis());
    inForce.countDown();
  }

  /**
   * Reads a snapshot on this installer's thread and puts it in force if there is one and no rules are
   * in force yet (rules from ZooKeeper may arrive first, and are newer); returns at once. Reading and
   * compiling a million entries takes up to seconds, which no caller should wait for.
   */
  public void loadAsync(Supplier<Optional<AppRules>> source) {
    recompiler.execute(() -> {
      try {
        source.get().ifPresent(this::applyIfFirst);
      } catch (RuntimeException e) {
        LOG.warn("loading the rules failed; deciding by the app's mode until rules arrive", e);
      }
    });
  }

  /** Puts {@code appRules} in force unless rules already are (newer ones, from ZooKeeper). */
  private synchronized void applyIfFirst(AppRules appRules) {
    if (!inForce()) {
      apply(appRules);
    }
  }

  /** True once rules read from ZooKeeper or a snapshot are in force (before that, only the app's mode). */
  public boolean inForce() {
    return inForce.getCount() == 0;
  }

  /** Waits up to {@code timeout} for rules to be in force; true iff they are. */
  public boolean awaitInForce(Duration timeout) throws InterruptedException {
    return inForce.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Starts a recompile on this installer's thread if an entry has expired by {@code nowMillis}. */
  public void onTick(long nowMillis) {
    if (nowMillis >= nextRecompileAt && recompiling.compareAndSet(false, true)) {
      recompiler.execute(this::recompile);
    }
  }

  private void recompile() {
    try {
      synchronized (this) {
        // read under the lock that apply holds: read outside it, a snapshot applied meanwhile
        // would be replaced by the older one read here
        apply(engine.rules().rules().withoutLapsed(clock.millis()));
      }
    } catch (RuntimeException e) {
      nextRecompileAt = clock.millis() + RETRY_MILLIS;
      LOG.warn("recompiling the lists after an expiry failed; retrying in 1 s (lookups pass over the lapsed entry meanwhile)", e);
    } finally {
      recompiling.set(false);
    }
  }

  /** Stops the recompile thread. Idempotent. */
  @Override
  public void close() {
    recompiler.shutdownNow();
  }
}
