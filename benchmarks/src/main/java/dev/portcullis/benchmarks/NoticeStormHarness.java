package dev.portcullis.benchmarks;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.client.decide.InterceptSet;
import dev.portcullis.client.notice.NoticeGuard;
import dev.portcullis.client.notice.NoticeSubscriber;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.Topics;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A storm of intercept notices (an attack from many addresses): {@code n} notices for distinct
 * addresses published at a steady rate on a real in-JVM KRaft broker, read by one client's notice
 * subscriber. Reports, for each rebuild share given, the time from the first notice sent until the
 * client holds them all, the CPU time of the subscriber's thread over the storm, and how many times it
 * rebuilt the intercept set.
 *
 * <p>Run: {@code java -Xmx2g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * dev.portcullis.benchmarks.NoticeStormHarness [notices, default 100000] [per second, default 20000] [shares, default 0.2,1]}
 */
public final class NoticeStormHarness {

  private NoticeStormHarness() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    String[] shares = (args.length > 2 ? args[2] : "0.2,1").split(",");
    try (KRaftBroker kafka = KRaftBroker.start()) {
      int run = 0;
      for (String share : shares) {
        String topic = "notices-storm-" + run++;
        Topics.create(kafka.bootstrapServers(), topic, 3, true);
        storm(kafka.bootstrapServers(), topic, n, rate, Double.parseDouble(share));
      }
    }
  }

  private static void storm(String bootstrap, String topic, int n, int rate, double share) throws Exception {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    AtomicReference<InterceptSet> current = new AtomicReference<>(InterceptSet.EMPTY);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    WireCodec codec = new WireCodec();
    try (NoticeSubscriber subscriber = new NoticeSubscriber("shop", topic,
            new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer()), current::set,
            System::currentTimeMillis, Duration.ofSeconds(30), share, NoticeGuard.DEFAULT);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      subscriber.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!subscriber.isCaughtUp() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread noticeThread = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("portcullis-notices-shop")).findFirst().orElseThrow();
      long cpuBefore = threads.getThreadCpuTime(noticeThread.getId());
      long rebuildsBefore = subscriber.rebuilds();
      long start = System.nanoTime();
      long now = System.currentTimeMillis();
      for (int i = 0; i < n; i++) {
        IpAddress ip = IpAddress.ofV4(0x0A00_0000 | i); // 10.0.0.0/8, one address each
        // expiries spread over 60-120 s, as escalations issued one by one would be
        InterceptNotice notice = new InterceptNotice("storm-" + i, "shop", Cidr.of(ip), InterceptNotice.Action.DENY, 1,
            "storm", now, now + 60_000 + (i % 60_000));
        producer.send(new ProducerRecord<>(topic, notice.key(), codec.write(notice)));
        long due = start + (long) i * 1_000_000_000L / rate;
        long ahead = due - System.nanoTime();
        if (ahead > 1_000_000) {
          Thread.sleep(ahead / 1_000_000);
        }
      }
      producer.flush();
      long sent = System.nanoTime();
      while (current.get().size() < n) {
        Thread.sleep(5);
      }
      long held = System.nanoTime();
      long cpu = threads.getThreadCpuTime(noticeThread.getId()) - cpuBefore;
      System.out.printf("share %.1f: %d notices at %d/s sent in %d ms; all in force %d ms after the first "
          + "(%d ms after the last); notice thread CPU %d ms; %d rebuilds%n", share, n, rate,
          (sent - start) / 1_000_000, (held - start) / 1_000_000, (held - sent) / 1_000_000, cpu / 1_000_000,
          subscriber.rebuilds() - rebuildsBefore);
    }
  }
}
