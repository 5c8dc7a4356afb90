package dev.portcullis.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.servers.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * Kafka goes away mid-run: requests keep being decided, memory stays bounded by the ring and the
 * producer buffer, every access is either delivered or counted as dropped, and sending resumes by
 * itself when Kafka returns. Uses a broker of its own, since it stops it.
 */
class KafkaOutageIT {

  @Test
  void kafkaStoppedMidRun_requestsFlowDropsAreCountedAndSendingResumes() throws Exception {
    try (KRaftBroker kafka = KRaftBroker.start()) {
      Topics.create(kafka.bootstrapServers(), "acl.access", 3, false);
      Topics.create(kafka.bootstrapServers(), "acl.notices", 1, true);
      try (AclClient c = AclClient.builder("shop").node("outage:1").kafka(kafka.bootstrapServers())
          .ringCapacity(1024).slice(Duration.ofMillis(20))
          .producerOverrides(Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000,
              ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000, ProducerConfig.LINGER_MS_CONFIG, 5))
          .build()) {
        c.start();
        long made = 0;
        for (int i = 0; i < 1000; i++, made++) {
          c.check("198.51.100." + (i % 200), "GET /");
        }
        final long before = made;
        Timeouts.await("the first requests delivered", Duration.ofSeconds(20), () -> c.status().sentRequests() == before);

        kafka.stop();
        // requests keep coming, a batch per poll (smaller than the ring), until sends have failed
        // and been counted as drops
        AtomicLong duringOutage = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        Timeouts.await("drops counted while Kafka is down", Duration.ofSeconds(30), () -> {
          for (int i = 0; i < 500; i++) {
            Decision d = c.check("203.0.113." + (i % 250), "GET /items");
            duringOutage.incrementAndGet();
            if (!d.allowed()) {
              refused.incrementAndGet();
            }
          }
          return c.status().droppedAccesses() > 0;
        });
        made += duringOutage.get();
        assertThat(refused.get()).as("every request during the outage allowed").isZero();
        AclClient.Status during = c.status();
        assertThat(during.droppedAccesses()).as("drops are counted while Kafka is down").isPositive();

        kafka.restart();
        // requests keep coming until the emitter finds Kafka back (a probe at most 500 ms apart)
        AtomicLong afterRestart = new AtomicLong();
        Timeouts.await("sending resumed after the restart", Duration.ofSeconds(60), () -> {
          for (int i = 0; i < 100; i++) {
            c.check("192.0.2." + (i % 100), "GET /");
            afterRestart.incrementAndGet();
          }
          return c.status().sentRequests() > before;
        });
        made += afterRestart.get();
        final long total = made;
        Timeouts.await("every access delivered or counted as dropped", Duration.ofSeconds(60), () -> {
          AclClient.Status s = c.status();
          return s.sentRequests() + s.droppedAccesses() == total;
        });
      }
    }
  }
}
