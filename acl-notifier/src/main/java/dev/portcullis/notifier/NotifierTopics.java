package dev.portcullis.notifier;

import dev.portcullis.transport.KafkaConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the notices (compacted) and audit topics if they are missing. */
final class NotifierTopics {

  private NotifierTopics() {}

  static void ensure(KafkaConnection kafka, String notices, String audit) {
    Map<String, Object> configs = kafka.configs();
    configs.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(configs)) {
      create(admin, new NewTopic(notices, Optional.of(3), Optional.empty())
          .configs(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0", "segment.ms", "600000")));
      create(admin, new NewTopic(audit, Optional.of(1), Optional.empty())
          .configs(Map.of("cleanup.policy", "delete", "retention.ms", "2592000000")));
    }
  }

  private static void create(Admin admin, NewTopic t) {
    try {
      admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer within 30 s while creating topic " + t.name(), e);
    }
  }
}
