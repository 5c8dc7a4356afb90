package dev.portcullis.notifier;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import io.dropwizard.util.Duration;
import java.util.List;

/**
 * The notifier's YAML configuration (Dropwizard). Unknown keys are errors. See
 * {@code config/notifier.yml} for an example.
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
  }

  /** Redis with the window key space. */
  public static class Redis {
    @NotEmpty @JsonProperty public List<String> nodes = List.of("127.0.0.1:6379");
    @JsonProperty public boolean cluster;
    @Min(1) @Max(16384) @JsonProperty public int shards = 64;
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
