package dev.portcullis.client;

import com.codahale.metrics.MetricRegistry;
import dev.portcullis.client.config.RuleSources;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.client.decide.DecisionEngine;
import dev.portcullis.client.decide.LocalLimiter;
import dev.portcullis.client.decide.RuleInstaller;
import dev.portcullis.client.emit.AccessKeySerializer;
import dev.portcullis.client.emit.AccessRing;
import dev.portcullis.client.emit.CoalescingEmitter;
import dev.portcullis.client.kafka.KafkaClientConfigs;
import dev.portcullis.client.metrics.ClientMetrics;
import dev.portcullis.client.notice.NoticeGuard;
import dev.portcullis.client.notice.NoticeSubscriber;
import dev.portcullis.client.thread.Parts;
import dev.portcullis.client.time.CoarseClock;
import dev.portcullis.config.watch.ConfigWatcher;
import dev.portcullis.config.watch.ListsSidecar;
import java.nio.file.Files;
import dev.portcullis.keys.KafkaKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Portcullis client a service links: decides every request in memory and reports what it saw
 * asynchronously.
 *
 * <pre>{@code
 * AclClient acl = AclClient.builder("shop")
 *     .node("shop-1:8080")
 *     .kafka("kafka-1:9092,kafka-2:9092")
 *     .zooKeeper("zk-1:2181,zk-2:2181,zk-3:2181")
 *     .snapshotFile(Path.of("/var/lib/shop/portcullis.snapshot"))
 *     .build();
 * acl.start();
 * Decision d = acl.check(clientIp, "GET /items");
 * if (!d.allowed()) { ... 403 or 429 with Retry-After ... }
 * acl.close();
 * }</pre>
 *
 * <p>{@link #check} is thread-safe, never blocks on I/O, never throws and allocates nothing on its
 * common paths. {@link #start()} starts the background parts (a clock timer, the config watcher,
 * the registration, the emitter and the notice subscriber) without waiting for any server: while
 * Kafka, ZooKeeper or Redis are away the client keeps deciding from its last known state.
 * Lifecycle LATENT → STARTED → CLOSED; {@link #close()} is idempotent and releases everything even
 * if one part fails.
 */
public final class AclClient implements AutoCloseable {

  /** The client version reported in node registrations. */
  public static final String VERSION = "0.1.0";
  /** How often the notice subscriber looks for partitions added to the notices topic. */
  static final Duration NOTICE_PARTITION_CHECK = Duration.ofSeconds(30);
  /** How long the ZooKeeper and Kafka parts wait for a snapshot file's rules before starting anyway. */
  static final Duration RULES_FIRST = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(AclClient.class);

  private enum State { LATENT, STARTED, CLOSED }

  private final AclClientSettings settings;
  private final Clock clock;
  private final CoarseClock coarse;
  private final AccessRing ring;
  private final DecisionEngine engine;
  private final MetricRegistry metrics;
  private final CuratorFramework externalCurator;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final Parts parts = new Parts(LOG);
  private final long startedAt;
  private final RuleInstaller rules;
  private ScheduledExecutorService timer;
  private RuleSources sources;
  private volatile CoalescingEmitter emitter;
  private volatile NoticeSubscriber notices;

  AclClient(AclClientSettings settings, Clock clock, MetricRegistry metrics, CuratorFramework curator) {
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
    this.externalCurator = curator;
    this.startedAt = clock.millis();
    this.coarse = new CoarseClock(clock.millis());
    this.ring = settings.kafkaBootstrap() == null ? null : new AccessRing(settings.ringCapacity());
    LocalLimiter limiter = settings.localLimitPerSecond() > 0
        ? new LocalLimiter(settings.localLimitPerSecond(), settings.localLimiterSlots()) : null;
    this.engine = new DecisionEngine(settings.app(), coarse, ring, limiter, settings.unparseable());
    this.rules = new RuleInstaller(settings.app(), engine, clock);
    rules.untilRules(settings.modeUntilRules());
  }

  public static AclClientBuilder builder(String app) {
    return new AclClientBuilder(app);
  }

  /** Decides a request from {@code ip} (text as the socket or a trusted proxy reported it) on {@code iface}. */
  public Decision check(String ip, String iface) {
    return engine.check(ip, iface, null);
  }

  /** As {@link #check(String, String)}, with the caller (platform id, API key id) for quota rules. */
  public Decision check(String ip, String iface, String caller) {
    return engine.check(ip, iface, caller);
  }

  public String app() {
    return settings.app();
  }

  /** The client's notion of now (epoch ms), as used for expiries. */
  public long nowMillis() {
    return coarse.millis();
  }

  /**
   * Starts the background parts and returns at once, waiting for no server and reading no file on the
   * caller's thread: the Kafka producer and consumer are built on a thread of their own (accesses wait
   * in the bounded ring meanwhile), the snapshot file and ZooKeeper are read in the background, and until their rules
   * are in force ({@link Status#rulesInForce()}, {@link #awaitRules}) requests are decided by the app's
   * {@code modeUntilRules}. A second call fails.
   */
  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("an AclClient can be started once; it is " + state.get());
    }
    try {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "portcullis-clock-" + settings.app());
        t.setDaemon(true);
        return t;
      });
      timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.MILLISECONDS);
      startConfig();
      if (settings.kafkaBootstrap() != null || sources.usesZooKeeper()) {
        // building Curator's and Kafka's clients takes the caller most of a second the first time (class
        // loading, configuration); the snapshot's rules load meanwhile, and accesses wait in the ring
        Thread starter = new Thread(this::startInBackground, "portcullis-start-" + settings.app());
        starter.setDaemon(true);
        starter.start();
      } else {
        registerMetrics();
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void tick() {
    try {
      long now = clock.millis();
      coarse.set(now);
      rules.onTick(now);
    } catch (RuntimeException e) {
      LOG.warn("client timer tick failed", e);
    }
  }

  private void startConfig() {
    sources = new RuleSources(settings, externalCurator, rules, clock, startedAt);
    parts.add(sources);
    sources.startFile();
  }

  /** On the starter thread: ZooKeeper's parts, then Kafka's, unless the client closed first. */
  private void startInBackground() {
    if (settings.snapshotFile() != null && Files.exists(ListsSidecar.pathOf(settings.snapshotFile()))) {
      // on a small machine building Curator's and Kafka's clients competes with loading a large snapshot
      // for the cores: the snapshot's rules first, for at most RULES_FIRST (accesses wait in the ring)
      try {
        rules.awaitInForce(RULES_FIRST);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    synchronized (parts) {
      if (state.get() != State.STARTED) {
        return;
      }
      try {
        if (sources.usesZooKeeper()) {
          sources.startZooKeeper();
        }
        if (settings.kafkaBootstrap() == null) {
          registerMetrics();
        }
      } catch (RuntimeException e) {
        LOG.error("starting the client's ZooKeeper parts failed; deciding from the snapshot's rules", e);
      }
    }
    if (settings.kafkaBootstrap() != null) {
      startKafka();
    }
  }

  /** On the starter thread: the emitter and the notice subscriber, unless the client closed first. */
  private void startKafka() {
    synchronized (parts) {
      if (state.get() != State.STARTED) {
        return;
      }
      try {
        startKafkaParts();
        registerMetrics();
      } catch (RuntimeException e) {
        LOG.error("starting the client's Kafka parts failed; deciding without reporting accesses or receiving notices", e);
      }
    }
  }

  private void startKafkaParts() {
    KafkaProducer<KafkaKeys.AccessKey, byte[]> producer = new KafkaProducer<>(KafkaClientConfigs.accessProducer(settings),
        new AccessKeySerializer(), new ByteArraySerializer());
    CoalescingEmitter e = new CoalescingEmitter(settings.app(), settings.node(), settings.accessTopic(), ring, producer,
        coarse::millis, settings.slice(), settings.maxKeysPerSlice());
    parts.add(e);
    e.start();
    emitter = e;

    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
        KafkaClientConfigs.noticeConsumer(settings, NOTICE_PARTITION_CHECK), new StringDeserializer(), new ByteArrayDeserializer());
    NoticeSubscriber n = new NoticeSubscriber(settings.app(), settings.noticesTopic(), consumer, engine::intercepts,
        coarse::millis, NOTICE_PARTITION_CHECK, NoticeSubscriber.REBUILD_SHARE, settings.noticeGuard());
    parts.add(n);
    n.start();
    notices = n;
  }

  private void registerMetrics() {
    if (metrics == null) {
      return;
    }
    ClientMetrics m = new ClientMetrics(metrics, settings.app());
    m.decisions(engine);
    m.config(sources.watcher(), clock);
    if (emitter != null) {
      m.events(emitter);
      m.notices(notices);
    }
  }

  /** A point-in-time view of the client's state, for health pages and tests. */
  /**
   * A point-in-time view of the client's state, for health pages and tests.
   *
   * @param allowed      requests this client has allowed since it was built (likewise {@code denied}, {@code limited})
   * @param rulesInForce true once rules from the snapshot file or ZooKeeper decide; before, the app's
   *                     {@code modeUntilRules} does
   * @param refusedNotices valid notices refused as too wide or beyond the cap ({@link NoticeGuard})
   * @param rulesHeld    why the tree in ZooKeeper is not enforced (its root vanished, or it removes most
   *                     rules at once), the last good rules staying in force; null when it is
   * @param accessesCountedLater requests reported in a later second than they were decided in (the
   *                     emitter more than 2 s behind)
   */
  public record Status(long configVersion, boolean configSynced, int activeIntercepts, boolean noticesCaughtUp,
      long sentRecords, long sentRequests, long droppedAccesses, long noticeLagMillis, long allowed, long denied,
      long limited, boolean rulesInForce, long refusedNotices, String rulesHeld, long accessesCountedLater) {}

  public Status status() {
    ConfigWatcher watcher = sources == null ? null : sources.watcher();
    return new Status(engine.rules().version(), watcher != null && watcher.isSynced(),
        engine.intercepts().size(), notices != null && notices.isCaughtUp(),
        emitter == null ? 0 : emitter.sentRecords(), emitter == null ? 0 : emitter.sentRequests(),
        emitter == null ? 0 : emitter.droppedAccesses(), notices == null ? -1 : notices.lastLagMillis(),
        engine.decisions(Decision.Outcome.ALLOW), engine.decisions(Decision.Outcome.DENY),
        engine.decisions(Decision.Outcome.LIMIT), rules.inForce(), notices == null ? 0 : notices.refusedNotices(),
        watcher == null ? null : watcher.stats().held(), emitter == null ? 0 : emitter.countedLater());
  }

  /**
   * Waits up to {@code timeout} for the first rules to be in force, for a service that would rather
   * not serve before; true iff they are. {@link #start()} never waits.
   */
  public boolean awaitRules(Duration timeout) throws InterruptedException {
    return rules.awaitInForce(timeout);
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    // waits for a starter still building the Kafka parts (it holds the monitor, and starts nothing
    // once it sees CLOSED)
    parts.closeAll();
    if (timer != null) {
      timer.shutdownNow();
    }
    rules.close();
  }
}
