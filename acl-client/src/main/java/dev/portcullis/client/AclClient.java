package dev.portcullis.client;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.portcullis.client.decide.CompiledRules;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.client.decide.DecisionEngine;
import dev.portcullis.client.decide.LocalLimiter;
import dev.portcullis.client.decide.UnparseableAddressPolicy;
import dev.portcullis.client.emit.AccessPartitioner;
import dev.portcullis.client.emit.AccessRing;
import dev.portcullis.client.emit.CoalescingEmitter;
import dev.portcullis.client.notice.NoticeSubscriber;
import dev.portcullis.client.register.NodeRegistrar;
import dev.portcullis.client.time.CoarseClock;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.config.watch.ConfigWatcher;
import dev.portcullis.config.watch.SnapshotFile;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.wire.NodeRegistration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
  private final List<AutoCloseable> parts = new ArrayList<>();
  private final long startedAt;
  private ScheduledExecutorService timer;
  // recompiles at an entry's expiry run here, not on the timer: compiling a million entries takes
  // seconds, and the request path's clock must keep ticking meanwhile
  private ExecutorService recompiler;
  private final AtomicBoolean recompiling = new AtomicBoolean();
  private ConfigWatcher watcher;
  private CoalescingEmitter emitter;
  private NoticeSubscriber notices;
  private volatile long nextRecompileAt = Long.MAX_VALUE;

  private AclClient(AclClientSettings settings, Clock clock, MetricRegistry metrics, CuratorFramework curator) {
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
  }

  public static Builder builder(String app) {
    return new Builder(app);
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
      recompiler = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "portcullis-recompile-" + settings.app());
        t.setDaemon(true);
        return t;
      });
      timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.MILLISECONDS);
      startConfig();
      startKafka();
      registerMetrics();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void tick() {
    try {
      long now = clock.millis();
      coarse.set(now);
      if (now >= nextRecompileAt && recompiling.compareAndSet(false, true)) {
        recompiler.execute(this::recompile);
      }
    } catch (RuntimeException e) {
      LOG.warn("client timer tick failed", e);
    }
  }

  /** Recompiles the current snapshot without its expired entries; recompiler thread. */
  private void recompile() {
    try {
      synchronized (this) {
        // read under the lock that applySnapshot holds: read outside it, a snapshot the watcher
        // applied meanwhile would be replaced by the older one read here
        applySnapshot(engine.rules().snapshot());
      }
    } catch (RuntimeException e) {
      nextRecompileAt = clock.millis() + 1_000;
      LOG.warn("recompiling the lists after an expiry failed; retrying in 1 s (lookups pass over the lapsed entry meanwhile)", e);
    } finally {
      recompiling.set(false);
    }
  }

  private void startConfig() {
    ConfigCodec codec = new ConfigCodec();
    SnapshotFile file = settings.snapshotFile() == null ? null
        : new SnapshotFile(settings.snapshotFile(), new ConfigTreeCodec(codec));
    CuratorFramework curator = externalCurator;
    if (curator == null && settings.zooKeeper() != null) {
      ZkAccess access = new ZkAccess(settings.zooKeeper(), false, settings.zkCredentials(), true, Duration.ofSeconds(15));
      curator = access.newClient();
      curator.start();
      parts.add(curator);
    }
    if (curator == null) {
      if (file != null) {
        file.read().ifPresent(this::applySnapshot);
      }
      return;
    }
    ZkPaths paths = new ZkPaths(settings.zkRoot());
    watcher = new ConfigWatcher(curator, paths, codec, file, clock);
    watcher.addListener(this::applySnapshot);
    parts.add(watcher);
    watcher.start();
    NodeRegistrar registrar = new NodeRegistrar(curator, paths,
        new NodeRegistration(settings.app(), settings.node(), settings.version(), startedAt));
    parts.add(registrar);
    registrar.start();
  }

  private synchronized void applySnapshot(ConfigSnapshot s) {
    CompiledRules compiled = CompiledRules.compile(settings.app(), s);
    engine.rules(compiled);
    nextRecompileAt = compiled.nextExpiryAfter(clock.millis());
  }

  private void startKafka() {
    if (settings.kafkaBootstrap() == null) {
      return;
    }
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "portcullis-" + settings.app() + "-" + settings.node());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 200);
    p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, AccessPartitioner.class);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.putAll(settings.producerOverrides());
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    emitter = new CoalescingEmitter(settings.app(), settings.node(), settings.accessTopic(), ring, producer,
        coarse::millis, settings.slice(), settings.maxKeysPerSlice());
    parts.add(emitter);
    emitter.start();

    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "portcullis-notices-" + settings.app() + "-" + settings.node());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    // partitions added to the notices topic are seen at the first metadata refresh after they appear
    c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) NOTICE_PARTITION_CHECK.toMillis());
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    notices = new NoticeSubscriber(settings.app(), settings.noticesTopic(), consumer, engine::intercepts, coarse::millis,
        NOTICE_PARTITION_CHECK, NoticeSubscriber.REBUILD_SHARE);
    parts.add(notices);
    notices.start();
  }

  private void registerMetrics() {
    if (metrics == null) {
      return;
    }
    String p = "portcullis.client." + settings.app() + ".";
    gauge(p + "decisions.allow", () -> engine.decisions(Decision.Outcome.ALLOW));
    gauge(p + "decisions.deny", () -> engine.decisions(Decision.Outcome.DENY));
    gauge(p + "decisions.limit", () -> engine.decisions(Decision.Outcome.LIMIT));
    gauge(p + "decisions.failOpen", engine::failOpens);
    gauge(p + "decisions.unparseableAddress", engine::unparseableAddresses);
    gauge(p + "intercepts.active", () -> (long) engine.intercepts().size());
    gauge(p + "config.ageMillis", () -> watcher == null || watcher.stats().lastUpdateMillis() == 0 ? -1L
        : clock.millis() - watcher.stats().lastUpdateMillis());
    gauge(p + "config.invalidDocuments", () -> watcher == null ? 0L : watcher.stats().invalidDocuments());
    if (emitter != null) {
      gauge(p + "events.sentRecords", emitter::sentRecords);
      gauge(p + "events.sentRequests", emitter::sentRequests);
      gauge(p + "events.dropped", emitter::droppedAccesses);
      gauge(p + "notices.lagMillis", notices::lastLagMillis);
      gauge(p + "notices.poison", notices::poisonRecords);
    }
  }

  private void gauge(String name, Gauge<Long> g) {
    metrics.remove(name);
    metrics.register(name, g);
  }

  /** A point-in-time view of the client's state, for health pages and tests. */
  public record Status(long configVersion, boolean configSynced, int activeIntercepts, boolean noticesCaughtUp,
      long sentRecords, long sentRequests, long droppedAccesses, long noticeLagMillis) {}

  public Status status() {
    return new Status(engine.rules().snapshot().version(), watcher != null && watcher.isSynced(),
        engine.intercepts().size(), notices != null && notices.isCaughtUp(),
        emitter == null ? 0 : emitter.sentRecords(), emitter == null ? 0 : emitter.sentRequests(),
        emitter == null ? 0 : emitter.droppedAccesses(), notices == null ? -1 : notices.lastLagMillis());
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed; continuing", parts.get(i), e);
      }
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    if (recompiler != null) {
      recompiler.shutdownNow();
    }
  }

  /** Builds an {@link AclClient} with sane defaults; only the app name is required. */
  public static final class Builder {
    private final String app;
    private String node;
    private String kafka;
    private String zooKeeper;
    private String zkRoot = ZkPaths.DEFAULT_ROOT;
    private String zkCredentials;
    private Path snapshotFile;
    private Duration slice = Duration.ofMillis(100);
    private int ringCapacity = 1 << 16;
    private int maxKeysPerSlice = 100_000;
    private long localLimitPerSecond;
    private UnparseableAddressPolicy unparseable = UnparseableAddressPolicy.BY_MODE;
    private String accessTopic = dev.portcullis.keys.KafkaKeys.ACCESS_TOPIC;
    private String noticesTopic = dev.portcullis.keys.KafkaKeys.NOTICES_TOPIC;
    private Map<String, Object> producerOverrides = Map.of();
    private Clock clock = Clock.systemUTC();
    private MetricRegistry metrics;
    private CuratorFramework curator;

    private Builder(String app) {
      this.app = app;
    }

    /** This instance's id, e.g. {@code host:port}; default: the host name. */
    public Builder node(String node) {
      this.node = node;
      return this;
    }

    public Builder kafka(String bootstrapServers) {
      this.kafka = bootstrapServers;
      return this;
    }

    public Builder zooKeeper(String connectString) {
      this.zooKeeper = connectString;
      return this;
    }

    /** Use this started Curator client (not closed by the AclClient) instead of a connect string. */
    public Builder curator(CuratorFramework client) {
      this.curator = client;
      return this;
    }

    public Builder zkRoot(String root) {
      this.zkRoot = root;
      return this;
    }

    public Builder zkCredentials(String userColonPassword) {
      this.zkCredentials = userColonPassword;
      return this;
    }

    public Builder snapshotFile(Path file) {
      this.snapshotFile = file;
      return this;
    }

    /** The coalescing slice; default 100 ms. */
    public Builder slice(Duration d) {
      this.slice = d;
      return this;
    }

    public Builder ringCapacity(int slots) {
      this.ringCapacity = slots;
      return this;
    }

    public Builder maxKeysPerSlice(int keys) {
      this.maxKeysPerSlice = keys;
      return this;
    }

    /** An in-process per-IP limit per second on this node; default none. */
    public Builder localLimitPerSecond(long perSecond) {
      this.localLimitPerSecond = perSecond;
      return this;
    }

    public Builder unparseableAddresses(UnparseableAddressPolicy policy) {
      this.unparseable = policy;
      return this;
    }

    public Builder topics(String access, String notices) {
      this.accessTopic = access;
      this.noticesTopic = notices;
      return this;
    }

    public Builder producerOverrides(Map<String, Object> overrides) {
      this.producerOverrides = overrides;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Builder metrics(MetricRegistry registry) {
      this.metrics = registry;
      return this;
    }

    /** @throws IllegalArgumentException naming the first invalid setting */
    public AclClient build() {
      String n = node != null ? node : defaultNode();
      AclClientSettings s = new AclClientSettings(app, n, VERSION, kafka, zooKeeper, zkRoot, zkCredentials, snapshotFile,
          slice, ringCapacity, maxKeysPerSlice, localLimitPerSecond, 1 << 16, unparseable, accessTopic, noticesTopic,
          producerOverrides);
      return new AclClient(s, clock, metrics, curator);
    }

    private static String defaultNode() {
      try {
        String h = java.net.InetAddress.getLocalHost().getHostName();
        return h.replaceAll("[^A-Za-z0-9._:-]", "-");
      } catch (java.net.UnknownHostException e) {
        return "unknown-host";
      }
    }
  }
}
