package dev.portcullis.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.Ports;
import dev.portcullis.servers.Topics;
import dev.portcullis.testkit.Timeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A client started while no broker exists at its bootstrap address (not stopped mid-run, which
 * {@link KafkaOutageIT} covers): it decides every request, counts every access it cannot send, drains
 * its ring as fast as requests fill it (so request threads never find it full), starts sending soon
 * after a broker appears on that address, and closes within its bound while request threads keep
 * deciding, without an exception thrown into them or a warning logged.
 */
class KafkaAbsentAtStartIT {

  @Test
  void kafkaAbsentFromTheStart_requestsAreDecidedDropsCountedAndSendingStartsWhenABrokerAppears() throws Exception {
    int brokerPort = Ports.freeLoopbackPort();
    int controllerPort = Ports.freeLoopbackPort();
    Logger root = (Logger) LoggerFactory.getLogger("dev.portcullis");
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    Path dir = Files.createTempDirectory("portcullis-kafka-absent-");
    AclClient c = AclClient.builder("shop").node("absent:1").kafka("127.0.0.1:" + brokerPort)
        .slice(Duration.ofMillis(50)).build();
    KRaftBroker kafka = null;
    try {
      c.start();
      long made = 0;
      long refused = 0;
      long until = System.nanoTime() + Timeouts.scaled(Duration.ofSeconds(3)).toNanos();
      while (System.nanoTime() < until) {
        for (int i = 0; i < 1000; i++, made++) {
          Decision d = c.check("198.51.100." + (i % 250), "GET /items");
          refused += d.allowed() ? 0 : 1;
        }
      }
      assertThat(refused).as("requests decided (allowed) while Kafka is absent").isZero();
      assertThat(made).as("requests made in 3 s").isGreaterThan(100_000);
      final long absent = made;
      Timeouts.await("every access made while Kafka is absent counted as dropped", Duration.ofSeconds(10),
          () -> c.status().droppedAccesses() == absent);
      assertThat(c.status().sentRequests()).isZero();

      kafka = KRaftBroker.start(dir, brokerPort, controllerPort, Map.of(), true);
      Topics.create(kafka.bootstrapServers(), "acl.access", 3, false);
      Topics.create(kafka.bootstrapServers(), "acl.notices", 1, true);
      long appeared = System.nanoTime();
      long[] sendingAfterMillis = {-1};
      Timeouts.await("the client to send once the broker is there", Duration.ofSeconds(15), () -> {
        for (int i = 0; i < 100; i++) {
          c.check("192.0.2." + (i % 100), "GET /items");
        }
        if (c.status().sentRequests() > 0) {
          sendingAfterMillis[0] = (System.nanoTime() - appeared) / 1_000_000;
          return true;
        }
        return false;
      });
      System.out.println("sending started " + sendingAfterMillis[0] + " ms after the broker and its topics were ready");

      // close under load: two request threads keep deciding while the client closes, and after
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong decidedDuringClose = new AtomicLong();
      List<Throwable> thrown = new CopyOnWriteArrayList<>();
      List<Thread> load = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread worker = new Thread(() -> {
          int i = 0;
          while (running.get()) {
            try {
              c.check("203.0.113." + (i++ % 200), "GET /items");
              decidedDuringClose.incrementAndGet();
            } catch (Throwable e) {
              thrown.add(e);
            }
          }
        });
        worker.start();
        load.add(worker);
      }
      Timeouts.await("the request threads under way", Duration.ofSeconds(10), () -> decidedDuringClose.get() > 10_000);
      long closeStarted = System.nanoTime();
      c.close();
      long closeMillis = (System.nanoTime() - closeStarted) / 1_000_000;
      long atClose = decidedDuringClose.get();
      Timeouts.await("requests still decided after close", Duration.ofSeconds(10),
          () -> decidedDuringClose.get() > atClose + 10_000);
      running.set(false);
      for (Thread worker : load) {
        worker.join();
      }
      System.out.println("close under load took " + closeMillis + " ms");
      assertThat(closeMillis).as("close within its documented 5 s bound (scaled)")
          .isLessThan(Timeouts.scaled(Duration.ofSeconds(6)).toMillis());
      assertThat(thrown).as("exceptions thrown into request threads").isEmpty();
      List<ILoggingEvent> problems = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
      assertThat(problems).as("warnings or errors logged by the client").isEmpty();
    } finally {
      root.detachAppender(logged);
      c.close();
      if (kafka != null) {
        kafka.close();
      }
    }
  }
}
