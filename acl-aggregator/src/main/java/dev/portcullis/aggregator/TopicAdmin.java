package dev.portcullis.aggregator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.portcullis.transport.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the Portcullis topics with sensible shapes, or checks that existing ones have them and
 * fails with a message naming the difference. A topic with more partitions than asked is fine for
 * {@code acl.access} (more parallelism), but its cleanup policy must match.
 */
public final class TopicAdmin {

  /** The shape a topic should have. */
  public record TopicSpec(String name, int partitions, short replication, Map<String, String> configs) {}

  private TopicAdmin() {}

  public static TopicSpec access(String name, int partitions, short replication) {
    return new TopicSpec(name, partitions, replication, Map.of("cleanup.policy", "delete", "retention.ms", "3600000"));
  }

  /** An internal topic that redistributes records by another key; short retention. */
  public static TopicSpec repartition(String name, int partitions, short replication) {
    return new TopicSpec(name, partitions, replication, Map.of("cleanup.policy", "delete", "retention.ms", "600000"));
  }

  public static TopicSpec deadLetters(String name, short replication) {
    return new TopicSpec(name, 1, replication, Map.of("cleanup.policy", "delete", "retention.ms", "604800000"));
  }

  public static TopicSpec notices(String name, short replication) {
    return new TopicSpec(name, 3, replication, Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0",
        "segment.ms", "600000"));
  }

  public static TopicSpec audit(String name, short replication) {
    return new TopicSpec(name, 1, replication, Map.of("cleanup.policy", "delete", "retention.ms", "2592000000"));
  }

  /**
   * Creates missing topics; verifies existing ones. Returns each topic's partition count as it is now.
   * @throws IllegalStateException naming the mismatch
   */
  public static Map<String, Integer> ensure(String bootstrap, List<TopicSpec> specs) {
    return ensure(KafkaConnection.plaintext(bootstrap), specs);
  }

  /** {@link #ensure(String, List)} through a secured connection. */
  public static Map<String, Integer> ensure(KafkaConnection kafka, List<TopicSpec> specs) {
    Map<String, Object> configs = kafka.configs();
    configs.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(configs)) {
      return ensure(admin, kafka.bootstrapServers(), specs, KNOWN_WITHIN);
    }
  }

  /** How long a topic that exists may stay unknown to the broker asked about it. */
  static final Duration KNOWN_WITHIN = Duration.ofSeconds(15);

  /** {@link #ensure(String, List)} through {@code admin}, which {@code where} names in messages. */
  static Map<String, Integer> ensure(Admin admin, String where, List<TopicSpec> specs, Duration knownWithin) {
    Map<String, Integer> partitions = new java.util.LinkedHashMap<>();
    try {
      for (TopicSpec spec : specs) {
        NewTopic t = new NewTopic(spec.name(), Optional.of(spec.partitions()),
            spec.replication() < 0 ? Optional.empty() : Optional.of(spec.replication())).configs(spec.configs());
        try {
          admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
          partitions.put(spec.name(), spec.partitions());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + spec.name() + ": " + e.getCause().getMessage(), e);
          }
          partitions.put(spec.name(), verifyOnceKnown(admin, spec, knownWithin));
        }
      }
      return partitions;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + where + " did not answer while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot inspect topics: " + e.getCause().getMessage(), e);
    }
  }

  /**
   * A topic that exists may not be known yet to the broker asked (just created: its metadata reaches each
   * broker a moment later), which answers "does not host this topic-partition": asked again for up to
   * {@code knownWithin}.
   */
  private static int verifyOnceKnown(Admin admin, TopicSpec spec, Duration knownWithin)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + knownWithin.toNanos();
    while (true) {
      try {
        return verify(admin, spec);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + spec.name() + " exists, but the broker asked about it did not"
              + " know it within " + knownWithin.toMillis() + " ms: " + e.getCause().getMessage(), e);
        }
        Thread.sleep(200);
      }
    }
  }

  private static int verify(Admin admin, TopicSpec spec) throws ExecutionException, InterruptedException, TimeoutException {
    TopicDescription d = admin.describeTopics(Set.of(spec.name())).allTopicNames().get(30, TimeUnit.SECONDS).get(spec.name());
    if (d.partitions().size() < spec.partitions()) {
      throw new IllegalStateException("topic " + spec.name() + " exists with " + d.partitions().size()
          + " partitions; Portcullis needs at least " + spec.partitions());
    }
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
    Config c = admin.describeConfigs(Set.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
    String wanted = spec.configs().get("cleanup.policy");
    String actual = c.get("cleanup.policy") == null ? null : c.get("cleanup.policy").value();
    if (wanted != null && !wanted.equals(actual)) {
      throw new IllegalStateException("topic " + spec.name() + " exists with cleanup.policy=" + actual
          + "; Portcullis needs cleanup.policy=" + wanted);
    }
    return d.partitions().size();
  }
}
