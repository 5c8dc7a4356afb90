package dev.portcullis.notifier;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.notifier.alert.WebhookAlerts;
import dev.portcullis.notifier.intercept.NoticeSink;
import dev.portcullis.notifier.intercept.SafetyValve;
import dev.portcullis.notifier.leader.NotifierService;
import dev.portcullis.notifier.scan.RuleScanner;
import dev.portcullis.notifier.scan.WindowReader;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.redis.RedisKeys;
import io.dropwizard.util.Duration;
import java.net.URI;
import java.util.List;

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
  }

  /** ZooKeeper and the config root. */
  public static class ZooKeeper {
    @NotEmpty @JsonProperty public String connect = "127.0.0.1:2181";
    @NotEmpty @JsonProperty public String root = "/portcullis";
    @JsonProperty public boolean acl;
    @JsonProperty public String credentials;
    /** A crashed leader's standby takes over after this long (the leader's ephemeral latch node lapses). */
    @NotNull @JsonProperty public Duration sessionTimeout = Duration.seconds(15);

    public ZkAccess buildAccess() {
      return new ZkAccess(connect, acl ? ZkAccess.ZnodeAcl.ADMIN_WRITES : ZkAccess.ZnodeAcl.OPEN, credentials,
          sessionTimeout.toJavaDuration());
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

    public RedisEndpoints buildEndpoints() {
      return new RedisEndpoints(nodes, cluster, 2000);
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
    @Min(1) @JsonProperty public int maxNewInterceptsPerMinute = 100;
    @Min(0) @Max(32) @JsonProperty public int minPrefixV4 = 16;
    @Min(0) @Max(128) @JsonProperty public int minPrefixV6 = 48;
    @NotNull @JsonProperty public Duration janitorInterval = Duration.seconds(30);
    @NotNull @JsonProperty public Duration reassertInterval = Duration.minutes(5);

    public RuleScanner buildScanner(WindowReader reader) {
      return new RuleScanner(reader, prefixLimitPerSecond, prefixLimitPerMinute);
    }

    public SafetyValve buildValve() {
      return new SafetyValve(maxNewInterceptsPerMinute, minPrefixV4, minPrefixV6);
    }

    /** The leader-elected service's settings, for the notifier {@code id} electing itself at {@code leaderPath}. */
    public NotifierService.Settings buildServiceSettings(String id, String leaderPath, Kafka kafka) {
      return new NotifierService.Settings(id, leaderPath, kafka.bootstrapServers, kafka.noticesTopic,
          interval.toJavaDuration(), janitorInterval.toJavaDuration(), reassertInterval.toJavaDuration());
    }
  }

  /** The admin API. */
  public static class Api {
    /** Bearer token required for writes (and reads if {@code protectReads}). */
    @NotEmpty @JsonProperty public String token;
    @JsonProperty public boolean protectReads;
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
