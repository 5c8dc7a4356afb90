package dev.portcullis.app;

import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.AggregatorWorker;
import dev.portcullis.client.AclClient;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.Ladder;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.Versioned;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.notifier.NotifierApplication;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.servers.Folders;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.Ports;
import dev.portcullis.servers.RedisClusterProcesses;
import dev.portcullis.servers.RedisProcess;
import dev.portcullis.servers.InJvmZooKeeper;
import dev.portcullis.servers.ZooKeeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;
import dev.portcullis.notifier.operator.Operator;
import dev.portcullis.notifier.operator.Role;
import dev.portcullis.notifier.operator.TokenFile;
import dev.portcullis.notifier.scan.RuleScanner;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;

/**
 * The whole Portcullis system on one machine, on loopback: a KRaft broker, ZooKeeper and Redis
 * (real servers, in this JVM or as child processes), two aggregator workers, one or more
 * notifiers with the admin API and dashboard, and clients. Used by {@code portcullis demo} and by
 * the end-to-end tests. {@link #close()} stops everything in reverse order and removes its files.
 */
public final class DemoStack implements AutoCloseable {

  /**
   * Tunables of a stack; the demo uses a fast ladder so a story fits in a minute or two.
   *
   * @param redisCluster a 3-master Redis Cluster (local processes) instead of one standalone Redis
   * @param apiToken     the admin's API token, or null for a random one (the operator's and viewer's always are)
   * @param maxNewInterceptsPerMinute the notifiers' safety valve ({@code scan.maxNewInterceptsPerMinute})
   * @param lateLookbackSeconds how far back the notifiers judge 1 s windows written late ({@code scan.lateLookbackSeconds})
   */
  public record Options(long limitPerSecond, Ladder ladder, Duration forgiveAfter, long prefixLimitPerSecond,
      int notifiers, String apiToken, boolean redisCluster, int maxNewInterceptsPerMinute, int aggregators,
      Duration aggregatorCommit, int lateLookbackSeconds) {

    /** With the aggregators' default commit interval and the notifiers' default late lookback. */
    public Options(long limitPerSecond, Ladder ladder, Duration forgiveAfter, long prefixLimitPerSecond,
        int notifiers, String apiToken, boolean redisCluster, int maxNewInterceptsPerMinute, int aggregators) {
      this(limitPerSecond, ladder, forgiveAfter, prefixLimitPerSecond, notifiers, apiToken, redisCluster,
          maxNewInterceptsPerMinute, aggregators, null, RuleScanner.DEFAULT_LATE_LOOKBACK);
    }

    /** With two aggregator workers in this JVM. */
    public Options(long limitPerSecond, Ladder ladder, Duration forgiveAfter, long prefixLimitPerSecond,
        int notifiers, String apiToken, boolean redisCluster, int maxNewInterceptsPerMinute) {
      this(limitPerSecond, ladder, forgiveAfter, prefixLimitPerSecond, notifiers, apiToken, redisCluster,
          maxNewInterceptsPerMinute, 2);
    }

    /** The same with {@code n} aggregator workers in this JVM (0: the caller runs its own). */
    public Options withAggregators(int n) {
      return new Options(limitPerSecond, ladder, forgiveAfter, prefixLimitPerSecond, notifiers, apiToken, redisCluster,
          maxNewInterceptsPerMinute, n, aggregatorCommit, lateLookbackSeconds);
    }

    /** The same with the aggregators committing every {@code interval} ({@code store.commitInterval}). */
    public Options withAggregatorCommit(Duration interval) {
      return new Options(limitPerSecond, ladder, forgiveAfter, prefixLimitPerSecond, notifiers, apiToken, redisCluster,
          maxNewInterceptsPerMinute, aggregators, interval, lateLookbackSeconds);
    }

    /** The same with the notifiers judging 1 s windows written up to {@code seconds} late ({@code scan.lateLookbackSeconds}). */
    public Options withLateLookback(int seconds) {
      return new Options(limitPerSecond, ladder, forgiveAfter, prefixLimitPerSecond, notifiers, apiToken, redisCluster,
          maxNewInterceptsPerMinute, aggregators, aggregatorCommit, seconds);
    }

    /** With the notifiers' default safety valve (100 new intercepts a minute). */
    public Options(long limitPerSecond, Ladder ladder, Duration forgiveAfter, long prefixLimitPerSecond,
        int notifiers, String apiToken, boolean redisCluster) {
      this(limitPerSecond, ladder, forgiveAfter, prefixLimitPerSecond, notifiers, apiToken, redisCluster, 100);
    }

    public static Options demo() {
      return new Options(20, new Ladder(List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(2)), true),
          Duration.ofMinutes(5), 150, 1, null, false);
    }
  }

  private RedisProcess redisProcess;
  private final Options options;
  private final Map<Role, String> tokens = new EnumMap<>(Role.class);
  private final Map<String, Integer> adminPorts = new java.util.concurrent.ConcurrentHashMap<>();
  private final Consumer<String> log;
  private final Path logs;
  private final List<AutoCloseable> parts = new ArrayList<>();
  private final List<NotifierApplication> notifierApps = new ArrayList<>();
  private final List<Integer> notifierPorts = new ArrayList<>();
  private final List<AggregatorWorker> aggregators = new ArrayList<>();
  private Path dir;
  private KRaftBroker kafka;
  private ZooKeeper zk;
  private RedisEndpoints redis;
  private CuratorFramework curator;
  private ConfigStore store;

  /** A stack whose logs go to its own folder and are removed with it (tests, harnesses). */
  public DemoStack(Options options, Consumer<String> log) {
    this(options, log, null);
  }

  /**
   * A stack whose notifiers log to {@code logs} (created if missing, kept after {@link #close()}).
   * In-process, a notifier's logging configuration is the JVM's, so every component's warnings and
   * errors (invalid documents, unreachable servers) land in its file.
   */
  public DemoStack(Options options, Consumer<String> log, Path logs) {
    this.options = options;
    this.log = log;
    this.logs = logs;
  }

  public DemoStack start() throws Exception {
    dir = Files.createTempDirectory("portcullis-demo-");
    SecureRandom random = new SecureRandom();
    List<String> lines = new ArrayList<>();
    for (Role role : Role.values()) {
      String token = role == Role.ADMIN && options.apiToken() != null ? options.apiToken() : TokenFile.newToken(random);
      tokens.put(role, token);
      lines.add(TokenFile.line(new Operator("demo-" + role, role), token));
    }
    Files.write(dir.resolve("api-tokens"), lines);
    if (logs != null) {
      Files.createDirectories(logs);
    }
    log.accept("starting Kafka (KRaft), ZooKeeper and Redis on 127.0.0.1 ...");
    // the usual ports when they are free, so that the README's commands work against the demo as written
    kafka = own(KRaftBroker.start(dir.resolve("kafka"), portOr(9092), Ports.freeLoopbackPort(), java.util.Map.of(), true));
    zk = own(InJvmZooKeeper.start(portOr(2181)));
    if (options.redisCluster()) {
      RedisClusterProcesses cluster = own(RedisClusterProcesses.start());
      redis = new RedisEndpoints(cluster.nodes(), true, 2000);
    } else {
      redisProcess = own(RedisProcess.startStandalone());
      redis = RedisEndpoints.of("127.0.0.1:" + redisProcess.port(), false);
    }
    log.accept("  kafka " + kafka.bootstrapServers() + ", zookeeper " + zk.connectString() + ", redis "
        + String.join(",", redis.nodes()) + (redis.cluster() ? " (cluster)" : ""));

    curator = own(ZkAccess.open(zk.connectString()).newClient());
    curator.start();
    curator.blockUntilConnected(30, TimeUnit.SECONDS);
    store = new ConfigStore(curator, new ZkPaths(), new ConfigCodec(), ZkAccess.open(zk.connectString()));
    store.setGlobalPolicy(new GlobalPolicy(options.limitPerSecond(), null, options.ladder(), options.forgiveAfter(), false,
        ZoneOffset.UTC), Versioned.ABSENT);
    store.setAppPolicy("shop", AppPolicy.DEFAULT, Versioned.ABSENT);
    store.setAppPolicy("proxy", new AppPolicy(AppMode.CLOSED, null, null, List.of(), false), Versioned.ABSENT);

    log.accept("starting " + options.aggregators() + " aggregator workers ...");
    for (int i = 1; i <= options.aggregators(); i++) {
      AggregatorSettings s = AggregatorSettings.defaults(kafka.bootstrapServers(),
          redis, dir.resolve("aggregator-" + i))
          .withTopics("acl.access", "acl.access.dlq", 4).withAdminPort(0);
      if (options.aggregatorCommit() != null) {
        s = s.withIntervals(s.flushInterval(), options.aggregatorCommit());
      }
      AggregatorWorker w = own(new AggregatorWorker(s));
      w.start();
      aggregators.add(w);
    }
    for (int i = 1; i <= options.notifiers(); i++) {
      startNotifier(i);
    }
    return this;
  }

  /** Starts notifier number {@code i} (1-based) in this JVM on a free port; returns its port. */
  public int startNotifier(int i) throws Exception {
    int port = i == 1 ? portOr(8090) : Ports.freeLoopbackPort();
    Path yml = notifierConfig("notifier-" + i, port, Duration.ofSeconds(15));
    NotifierApplication app = new NotifierApplication();
    app.run("server", yml.toString());
    notifierApps.add(app);
    notifierPorts.add(port);
    parts.add(app::stop);
    return port;
  }

  /**
   * Writes the configuration of a notifier against this stack's servers (to run it elsewhere, e.g.
   * in a child JVM that a test kills) and returns its path.
   */
  public Path notifierConfig(String id, int port, Duration sessionTimeout) throws IOException {
    int adminPort = id.equals("notifier-1") ? portOr(8081) : Ports.freeLoopbackPort();
    adminPorts.put(id, adminPort);
    Path yml = dir.resolve(id + ".yml");
    Files.writeString(yml, String.join("\n",
        "id: " + id,
        "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\"}",
        // the demo's tree is world-writable and its transport plaintext, on loopback only (README "Securing a deployment")
        "zooKeeper: {connect: \"" + zk.connectString() + "\", acl: false, sessionTimeout: " + sessionTimeout.toMillis() + "ms}",
        "redis: {nodes: [\"" + String.join("\", \"", redis.nodes()) + "\"], cluster: " + redis.cluster() + "}",
        "scan: {interval: 250ms, janitorInterval: 1s, prefixLimitPerSecond: " + options.prefixLimitPerSecond()
            + ", maxNewInterceptsPerMinute: " + options.maxNewInterceptsPerMinute()
            + ", lateLookbackSeconds: " + options.lateLookbackSeconds() + "}",
        "api: {tokenFile: \"" + dir.resolve("api-tokens") + "\"}",
        "server:",
        "  type: default",
        "  applicationConnectors: [{type: http, bindHost: 127.0.0.1, port: " + port + "}]",
        "  adminConnectors: [{type: http, bindHost: 127.0.0.1, port: " + adminPort + "}]",
        "  requestLog: {appenders: []}",
        "logging:",
        "  level: WARN",
        "  appenders: [{type: file, currentLogFilename: \"" + logFile(id) + "\","
            + " archive: false}]",
        ""));
    return yml;
  }

  /** Where the notifier {@code id} (and, in this JVM, everything else) logs. */
  public Path logFile(String id) {
    return (logs != null ? logs : dir).resolve(id + ".log");
  }

  /** Stops notifier {@code i} (1-based) cleanly: it leaves the election at once and a standby takes over. */
  public void stopNotifier(int i) throws Exception {
    notifierApps.get(i - 1).stop();
  }

  public NotifierApplication notifier(int i) {
    return notifierApps.get(i - 1);
  }

  public int notifierPort(int i) {
    return notifierPorts.get(i - 1);
  }

  /** A started client of {@code app} against this stack, closed with it. */
  public AclClient client(String app, String node) throws IOException {
    AclClient c = AclClient.builder(app).node(node).kafka(kafka.bootstrapServers()).zooKeeper(zk.connectString())
        .snapshotFile(dir.resolve(app + "-" + node.replace(':', '_') + ".snapshot")).build();
    own(c);
    c.start();
    return c;
  }

  public ConfigStore store() {
    return store;
  }

  /** The API token of the demo's operator with {@code role} (demo-admin, demo-operator, demo-viewer). */
  public String token(Role role) {
    return tokens.get(role);
  }

  /** The port of notifier {@code id}'s admin connector (health, metrics), written by {@link #notifierConfig}. */
  public int adminPort(String id) {
    return adminPorts.get(id);
  }

  /** The admin port (health, metrics, /prometheus) of aggregator worker {@code i} (1-based) on 127.0.0.1. */
  public int aggregatorAdminPort(int i) {
    return aggregators.get(i - 1).adminPort();
  }

  public String kafkaBootstrap() {
    return kafka.bootstrapServers();
  }

  public String zooKeeperConnect() {
    return zk.connectString();
  }

  /** The standalone Redis server, for tests that stop it; null with a Redis Cluster. */
  public RedisProcess redisProcess() {
    return redisProcess;
  }

  public RedisEndpoints redis() {
    return redis;
  }

  public Path directory() {
    return dir;
  }

  private static int portOr(int preferred) {
    return Ports.isOpen(preferred) ? Ports.freeLoopbackPort() : preferred;
  }

  <T extends AutoCloseable> T own(T c) {
    parts.add(c);
    return c;
  }

  @Override
  public void close() {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        log.accept("  (stopping " + parts.get(i).getClass().getSimpleName() + " failed: " + e + ")");
      }
    }
    parts.clear();
    try {
      Folders.deleteRecursively(dir);
    } catch (UncheckedIOException e) {
      log.accept("  (could not remove " + dir + ")");
    }
  }
}
