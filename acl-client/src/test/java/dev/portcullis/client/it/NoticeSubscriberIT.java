package dev.portcullis.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.decide.InterceptSet;
import dev.portcullis.client.notice.NoticeGuard;
import dev.portcullis.client.notice.NoticeSubscriber;
import dev.portcullis.servers.KafkaBroker;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.servers.Topics;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The notice subscriber on its own against a real KRaft broker. */
@ExtendWith(RealServers.class)
class NoticeSubscriberIT {

  private static final AtomicInteger RUN = new AtomicInteger();

  @Test
  void partitionsAddedToTheTopicLater_arePickedUpAndReadFromTheirBeginning(KafkaBroker kafka) throws Exception {
    String topic = "notices-grow-" + RUN.incrementAndGet() + "-" + System.nanoTime();
    Topics.create(kafka.bootstrapServers(), topic, 1, true);
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 300);
    AtomicReference<InterceptSet> current = new AtomicReference<>(InterceptSet.EMPTY);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (NoticeSubscriber subscriber = new NoticeSubscriber("shop", topic,
            new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer()), current::set,
            System::currentTimeMillis, Duration.ofMillis(200), NoticeSubscriber.REBUILD_SHARE, NoticeGuard.DEFAULT);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      subscriber.start();
      Timeouts.await("caught up", Duration.ofSeconds(30), subscriber::isCaughtUp);

      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get(30, TimeUnit.SECONDS);
      long now = System.currentTimeMillis();
      InterceptNotice n = new InterceptNotice("grow-1", "shop", Cidr.parse("203.0.113.9"), InterceptNotice.Action.DENY, 1,
          "84 req/s > 50 req/s", now, now + 60_000);
      // written to a partition the subscriber was not assigned at start, before it notices the partition
      producer.send(new ProducerRecord<>(topic, 2, n.key(), new WireCodec().write(n))).get(30, TimeUnit.SECONDS);

      Timeouts.await("the notice on the new partition applied", Duration.ofSeconds(30), () -> current.get().size() == 1);
      assertThat(subscriber.appliedNotices()).isEqualTo(1);
      assertThat(subscriber.poisonRecords()).isZero();
    }
  }
}
