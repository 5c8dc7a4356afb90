package dev.portcullis.notifier;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import dev.portcullis.config.BlastRadius;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.notifier.operator.TokenFile;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.notifier.alert.WebhookAlerts;
import dev.portcullis.notifier.intercept.NoticeSink;
import dev.portcullis.notifier.intercept.SafetyValve;
import dev.portcullis.notifier.leader.NotifierService;
import dev.portcullis.notifier.scan.RuleScanner;
import dev.portcullis.notifier.scan.WindowReader;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.redis.RedisSecurity;
import dev.portcullis.transport.KafkaConnection;
import dev.portcullis.transport.Secret;
import io.dropwizard.util.Duration;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The notifier's YAML configuration (Dropwizard). Unknown keys are errors. See
 * {@code config/notifier.yml} for an example. Each section builds the parts it configures
 * ({@code build*()}); the application only wires them.
 */
public class NotifierConfiguration extends Configuration {

  /** Kafka topics and servers. */
  public static class Kafka {
    @NotEmpty @JsonProperty public String bootstrapServers = "127.0.0.1:9092";
    @NotEmpty @JsonProperty public String noticesTopic = "acl.notices";
    @NotEmpty @JsonProperty public String auditTopic = "acl.audit";
    /** Connection properties (SASL, TLS, config providers) for every Kafka client of the notifier. */
    @NotNull @JsonProperty public Map<String, String> properties = Map.of();
    /** The same from a Java properties file, read first; {@link #properties} win. */
    @JsonProperty public String propertiesFile;

    /** @throws IllegalArgumentException naming a property that is not a connection setting */
    public KafkaConnection buildConnection() {
      Map<String, String> all = new LinkedHashMap<>();
      if (propertiesFile != null) {
        all.putAll(KafkaConnection.readProperties(Path.of(propertiesFile)));
      }
      all.putAll(properties);
      return new KafkaConnection(bootstrapServers, all);
    }
  }

  /** ZooKeeper and the config root. */
  public static class ZooKeeper {
    @NotEmpty @JsonProperty public String connect = "127.0.0.1:2181";
    @NotEmpty @JsonProperty public String root = "/portcullis";
    /** Create znodes writable only by {@link #credentials}' identity, readable by all (digest ACLs). */
    @JsonProperty public boolean acl = true;
    /** {@code user:password} of the admin identity, as {@code file:/path} or {@code env:NAME}; required with {@link #acl}. */
    @JsonProperty public String credentials;
    /** ZooKeeper client properties, e.g. TLS ({@code zookeeper.client.secure: true} and the trust store). */
    @NotNull @JsonProperty public Map<String, String> clientConfig = Map.of();
    /** A crashed leader's standby takes over after this long (the leader's ephemeral latch node lapses). */
    @NotNull @JsonProperty public Duration sessionTimeout = Duration.seconds(15);

    /** @throws IllegalArgumentException when ACLs are on without credentials, or a credential is not found */
    public ZkAccess buildAccess() {
      if (acl && credentials == null) {
        throw new IllegalArgumentException("zooKeeper.acl is true (the default): set zooKeeper.credentials to the admin"
            + " identity as file:/path or env:NAME, or set zooKeeper.acl: false for a world-writable tree");
      }
      String userPassword = credentials == null ? null : new Secret(credentials).value();
      return new ZkAccess(connect, acl ? ZkAccess.ZnodeAcl.ADMIN_WRITES : ZkAccess.ZnodeAcl.OPEN, userPassword,
          sessionTimeout.toJavaDuration(), clientConfig);
    }

    public ZkPaths buildPaths() {
      return new ZkPaths(root);
    }
  }

  /** Redis with the window key space. */
  public static class Redis {
    @NotEmpty @JsonProperty public List<String> nodes = List.of("127.0.0.1:6379");
    @JsonProperty public boolean cluster;
    @Min(1) @Max(16384) @JsonProperty public int shards = 64;
    /** A Redis ACL user, or null. */
    @JsonProperty public String user;
    /** Its password as {@code file:/path} or {@code env:NAME}, or null for no AUTH. */
    @JsonProperty public String password;
    @JsonProperty public boolean tls;
    /** PEM file of the CA of the servers' certificates; the JDK's trust store if null. */
    @JsonProperty public String caFile;
    /** PKCS12 client certificate, for servers that ask for one. */
    @JsonProperty public String keyStore;
    @JsonProperty public String keyStorePassword;

    public RedisEndpoints buildEndpoints() {
      return new RedisEndpoints(nodes, cluster, 2000, new RedisSecurity(user, Secret.ofNullable(password), tls,
          caFile == null ? null : Path.of(caFile), keyStore == null ? null : Path.of(keyStore),
          Secret.ofNullable(keyStorePassword)));
    }

    public RedisKeys buildKeys() {
      return new RedisKeys(shards);
    }
  }

  /** The rule scanner, the ladder's safety valve and prefix limits. */
  public static class Scan {
    @NotNull @JsonProperty public Duration interval = Duration.milliseconds(250);
    @JsonProperty public Long prefixLimitPerSecond = 500L;
    @JsonProperty public Long prefixLimitPerMinute;
    /**
     * How many completed seconds of the prefix windows each scan judges: a prefix wider than the
     * partitioning block is summed through the aggregators' rekeyed topic, whose records are read
     * once the sending worker commits, so its seconds are complete one commit interval late. At
     * least the aggregators' {@code store.commitInterval} plus one second.
     */
    @Min(1) @Max(30) @JsonProperty public int prefixLookbackSeconds = 4;
    /**
     * How many seconds back the 1 s windows are judged once a second besides the last ones every scan
     * judges: an aggregator behind its input (at a start, a rebalance, a restart, after a Redis outage)
     * writes a second after the scans moved past it; 0: never. At most 60.
     */
    @Min(0) @Max(RuleScanner.MAX_LATE_LOOKBACK) @JsonProperty public int lateLookbackSeconds = RuleScanner.DEFAULT_LATE_LOOKBACK;
    @Min(1) @JsonProperty public int maxNewInterceptsPerMinute = 100;
    @Min(0) @Max(32) @JsonProperty public int minPrefixV4 = 16;
    @Min(0) @Max(128) @JsonProperty public int minPrefixV6 = 48;
    @NotNull @JsonProperty public Duration janitorInterval = Duration.seconds(30);
    @NotNull @JsonProperty public Duration reassertInterval = Duration.minutes(5);

    public RuleScanner buildScanner(WindowReader reader) {
      return new RuleScanner(reader, prefixLimitPerSecond, prefixLimitPerMinute, prefixLookbackSeconds, lateLookbackSeconds);
    }

    public SafetyValve buildValve() {
      return new SafetyValve(maxNewInterceptsPerMinute, minPrefixV4, minPrefixV6);
    }

    /**
     * The leader-elected service's settings, for the notifier {@code id} electing itself at {@code leaderPath},
     * reading {@code noticesTopic} through {@code kafka}.
     */
    public NotifierService.Settings buildServiceSettings(String id, String leaderPath, KafkaConnection kafka,
        String noticesTopic, String advertisedUrl) {
      return new NotifierService.Settings(id, leaderPath, kafka, noticesTopic,
          interval.toJavaDuration(), janitorInterval.toJavaDuration(), reassertInterval.toJavaDuration(), advertisedUrl);
    }
  }

  /** The admin API: who may use it, and how wide a change may be without an admin forcing it. */
  public static class Api {
    /** The operators' tokens, one {@code name role sha256:<hash>} per line (see {@link TokenFile}); required. */
    @NotEmpty @JsonProperty public String tokenFile;
    /** Reads need a viewer's token too (the allow list says who bypasses everything). */
    @JsonProperty public boolean readsNeedToken = true;
    /** The blast-radius guard: the widest deny entry or intercept, and the widest allow entry, without forcing. */
    @Min(0) @Max(32) @JsonProperty public int denyFloorV4 = 16;
    @Min(0) @Max(128) @JsonProperty public int denyFloorV6 = 48;
    @Min(0) @Max(32) @JsonProperty public int allowFloorV4 = 8;
    @Min(0) @Max(128) @JsonProperty public int allowFloorV6 = 32;
    /**
     * Where the other notifiers reach this one's API (they forward intercept writes to the leader);
     * default {@code http(s)://<bindHost>:<port>} of the first application connector.
     */
    @JsonProperty public String advertisedUrl;

    /** @throws IllegalArgumentException naming the file and its problem (unreadable, a bad line, a placeholder token) */
    public TokenFile buildTokens(java.time.Clock clock) {
      return TokenFile.load(Path.of(tokenFile), clock);
    }

    public BlastRadius buildGuard() {
      return new BlastRadius(denyFloorV4, denyFloorV6, allowFloorV4, allowFloorV6);
    }
  }

  /** Optional webhook alerts for new intercepts and safety-valve refusals. */
  public static class Alerts {
    /** http(s) URL to POST each alert to (the audit record as JSON); null for no alerts. */
    @JsonProperty public String webhookUrl;
    @Min(1) @JsonProperty public int queueCapacity = 1000;
    @Min(1) @JsonProperty public int attempts = 5;

    /** Alerts in front of {@code sink}, or null when no {@code webhookUrl} is set. */
    public WebhookAlerts buildAlerts(NoticeSink sink) {
      return webhookUrl == null ? null
          : new WebhookAlerts(sink, URI.create(webhookUrl), queueCapacity, attempts, java.time.Duration.ofMillis(500));
    }
  }

  @Valid @NotNull @JsonProperty public Alerts alerts = new Alerts();
  @Valid @NotNull @JsonProperty public Kafka kafka = new Kafka();
  @Valid @NotNull @JsonProperty public ZooKeeper zooKeeper = new ZooKeeper();
  @Valid @NotNull @JsonProperty public Redis redis = new Redis();
  @Valid @NotNull @JsonProperty public Scan scan = new Scan();
  @Valid @NotNull @JsonProperty public Api api = new Api();
  /** This notifier's id in the election; default host:port of the API. */
  @JsonProperty public String id;
}
