package dev.portcullis.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.MockAdminClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Topic creation and verification against Kafka's in-process admin double (no broker: the ITs have real ones). */
class TopicAdminTest {

  private final MockAdminClient admin = MockAdminClient.create().numBrokers(1).build();

  @AfterEach
  void close() {
    admin.close();
  }

  private Map<String, Integer> ensure(List<TopicAdmin.TopicSpec> specs, Duration knownWithin) {
    return TopicAdmin.ensure(admin, "mock:9092", specs, knownWithin);
  }

  @Test
  void aMissingTopic_isCreatedWithItsShape() {
    assertThat(ensure(List.of(TopicAdmin.access("acl.access", 12, (short) 1)), Duration.ofSeconds(1)))
        .containsEntry("acl.access", 12);
  }

  @Test
  void aTopicThatExistsButIsNotYetKnownToTheBrokerAsked_isVerifiedOnceItIs() {
    ensure(List.of(TopicAdmin.access("acl.access", 12, (short) 1)), Duration.ofSeconds(1));
    admin.setFetchesRemainingUntilVisible("acl.access", 3); // "does not host this topic-partition", three times
    assertThat(ensure(List.of(TopicAdmin.access("acl.access", 8, (short) 1)), Duration.ofSeconds(10)))
        .as("verified with the partitions it has").containsEntry("acl.access", 12);
  }

  @Test
  void aTopicStillUnknownAfterTheWait_failsNamingTheTopic() {
    ensure(List.of(TopicAdmin.access("acl.access", 12, (short) 1)), Duration.ofSeconds(1));
    admin.setFetchesRemainingUntilVisible("acl.access", 1_000);
    assertThatThrownBy(() -> ensure(List.of(TopicAdmin.access("acl.access", 12, (short) 1)), Duration.ofMillis(500)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("topic acl.access exists, but the broker asked about it did not know it within");
  }

  @Test
  void anExistingTopicWithFewerPartitionsThanNeeded_failsNamingTheDifference() {
    ensure(List.of(TopicAdmin.access("acl.access", 4, (short) 1)), Duration.ofSeconds(1));
    assertThatThrownBy(() -> ensure(List.of(TopicAdmin.access("acl.access", 12, (short) 1)), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("topic acl.access exists with 4 partitions; Portcullis needs at least 12");
  }

  @Test
  void anExistingTopicWithAnotherCleanupPolicy_failsNamingBoth() {
    ensure(List.of(new TopicAdmin.TopicSpec("acl.notices", 3, (short) 1, Map.of("cleanup.policy", "delete"))),
        Duration.ofSeconds(1));
    assertThatThrownBy(() -> ensure(List.of(TopicAdmin.notices("acl.notices", (short) 1)), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("topic acl.notices exists with cleanup.policy=delete; Portcullis needs cleanup.policy=compact");
  }
}
