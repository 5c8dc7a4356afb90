package dev.portcullis.notifier.it;

import static dev.portcullis.notifier.fixtures.Configs.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.Versioned;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.config.watch.ConfigWatcher;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.notifier.api.ChangeAudit;
import dev.portcullis.notifier.escalation.HistoryStore;
import dev.portcullis.notifier.escalation.OffenderHistory;
import dev.portcullis.notifier.fixtures.InMemoryWindows;
import dev.portcullis.notifier.fixtures.MapHistory;
import dev.portcullis.notifier.fixtures.MapReleases;
import dev.portcullis.notifier.fixtures.RecordingSink;
import dev.portcullis.notifier.intercept.InterceptBook;
import dev.portcullis.notifier.intercept.SafetyValve;
import dev.portcullis.notifier.leader.NotifierService;
import dev.portcullis.notifier.scan.RuleScanner;
import dev.portcullis.notifier.scan.WindowReader.Kind;
import dev.portcullis.servers.KafkaBroker;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.Ports;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.portcullis.servers.Topics;
import dev.portcullis.servers.ZooKeeper;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.testkit.Timeouts;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Leadership of the notifier on a real ZooKeeper (and a real broker for the notices topic it reads
 * when it gains leadership): one leader at a time, a standby that scans nothing, and leadership that
 * moves to a standby when the leader leaves and comes back to a notifier that joins later.
 */
@ExtendWith(RealServers.class)
class NotifierServiceIT {

  private final List<AutoCloseable> owned = new ArrayList<>();
  private final InMemoryWindows windows = new InMemoryWindows();

  /** One notifier: its own ZooKeeper session, book and sink, over the shared windows. */
  private record Notifier(NotifierService service, RecordingSink sink, InterceptBook book) {}

  @AfterEach
  void tearDown() throws Exception {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
  }

  /** A tree of its own in ZooKeeper, with rules seeded for {@code apps}, and a notices topic of its own. */
  private record Tree(ZkPaths paths, String topic) {}

  private static Tree freshTree(ZooKeeper zk, KafkaBroker kafka, String... apps) throws Exception {
    ZkPaths paths = new ZkPaths("/leader-it-" + System.nanoTime());
    String topic = "notices-" + System.nanoTime();
    Topics.create(kafka.bootstrapServers(), topic, 1, true);
    seedRules(zk, paths, apps);
    return new Tree(paths, topic);
  }

  /** A global limit of 50 req/s and a default policy for each of {@code apps}, as an operator would write them. */
  private static void seedRules(ZooKeeper zk, ZkPaths paths, String... apps) {
    try (CuratorFramework admin = ZkAccess.open(zk.connectString()).newClient()) {
      admin.start();
      ConfigStore store = new ConfigStore(admin, paths, new ConfigCodec(), ZkAccess.open(zk.connectString()));
      store.setGlobalPolicy(config().global(50L, null).build().global(), Versioned.ABSENT);
      for (String app : apps) {
        store.setAppPolicy(app, AppPolicy.DEFAULT, Versioned.ABSENT);
      }
    }
  }

  private Notifier notifier(String id, ZooKeeper zk, KafkaBroker kafka, ZkPaths paths, String topic) throws Exception {
    return notifier(id, zk, kafka, paths, topic, new MapHistory());
  }

  private Notifier notifier(String id, ZooKeeper zk, KafkaBroker kafka, ZkPaths paths, String topic, HistoryStore history)
      throws Exception {
    Clock clock = Clock.systemUTC();
    CuratorFramework curator = ZkAccess.open(zk.connectString()).withSessionTimeout(Duration.ofSeconds(5)).newClient();
    curator.start();
    owned.add(curator);
    assertThat(curator.blockUntilConnected((int) Timeouts.scaled(Duration.ofSeconds(20)).toMillis(), TimeUnit.MILLISECONDS))
        .isTrue();
    ConfigCodec codec = new ConfigCodec();
    ConfigStore store = new ConfigStore(curator, paths, codec, ZkAccess.open(zk.connectString()));
    ConfigWatcher watcher = new ConfigWatcher(curator, paths, codec, null, clock);
    watcher.start();
    owned.add(watcher);
    RecordingSink sink = new RecordingSink();
    InterceptBook book = new InterceptBook(clock, sink, history, new MapReleases(), new SafetyValve(100, 16, 48),
        () -> UUID.randomUUID().toString());
    NotifierService s = new NotifierService(new NotifierService.Settings(id, paths.notifierLeader(), dev.portcullis.transport.KafkaConnection.plaintext(kafka.bootstrapServers()),
        topic, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1), ""),
        curator, watcher, store, new RuleScanner(windows, null, null), book, new ChangeAudit(sink::audit, clock), clock);
    owned.add(s);
    return new Notifier(s, sink, book);
  }

  @Test
  void oneLeaderAtATime_aStandbyScansNothing_andLeadershipMovesWhenTheLeaderLeaves(ZooKeeper zk, KafkaBroker kafka)
      throws Exception {
    Tree tree = freshTree(zk, kafka, "shop");
    ZkPaths paths = tree.paths();
    String topic = tree.topic();

    Notifier a = notifier("notifier-a", zk, kafka, paths, topic);
    a.service().start();
    Timeouts.await("notifier-a to lead", Duration.ofSeconds(20), a.service()::isLeader);
    Notifier b = notifier("notifier-b", zk, kafka, paths, topic);
    b.service().start();
    Timeouts.await("notifier-b to see notifier-a as the leader", Duration.ofSeconds(20),
        () -> b.service().leaderId().equals("notifier-a"));
    assertThat(b.service().isLeader()).isFalse();

    long sec = System.currentTimeMillis() / 1000;
    windows.put("shop", Kind.SECOND, sec, "203.0.113.7", 500).put("shop", Kind.SECOND, sec - 1, "203.0.113.7", 500);
    Timeouts.await("the leader to intercept 203.0.113.7 once its config holds the global limit", Duration.ofSeconds(20), () -> {
      a.service().tick();
      return !a.sink().published.isEmpty();
    });
    b.service().tick();
    assertThat(b.sink().published).as("a standby publishes nothing").isEmpty();
    assertThat(b.service().scans()).isZero();

    a.service().close();
    Timeouts.await("notifier-b to lead once notifier-a left", Duration.ofSeconds(20), b.service()::isLeader);
    assertThat(a.service().isLeader()).isFalse();
    b.service().tick();
    assertThat(b.service().scans()).isPositive();

    Notifier c = notifier("notifier-c", zk, kafka, paths, topic);
    c.service().start();
    Timeouts.await("notifier-c to see notifier-b lead", Duration.ofSeconds(20), () -> c.service().leaderId().equals("notifier-b"));
    assertThat(c.service().isLeader()).isFalse();
    b.service().close();
    Timeouts.await("notifier-c to lead once notifier-b left", Duration.ofSeconds(20), c.service()::isLeader);
  }

  @Test
  void aPoisonedHistoryForOneAddress_everyOtherAddressAndAppIsStillJudged(ZooKeeper zk, KafkaBroker kafka) throws Exception {
    Tree tree = freshTree(zk, kafka, "alpha", "beta");
    ZkPaths paths = tree.paths();
    String topic = tree.topic();
    MapHistory good = new MapHistory();
    HistoryStore poisoned = new HistoryStore() {
      @Override
      public OffenderHistory get(String app, Cidr target) {
        if (target.equals(Cidr.parse("203.0.113.66/32"))) {
          throw new IllegalArgumentException("history of 203.0.113.66 is not a valid document");
        }
        return good.get(app, target);
      }

      @Override
      public void put(String app, Cidr target, OffenderHistory h) {
        good.put(app, target, h);
      }
    };
    Notifier n = notifier("notifier-p", zk, kafka, paths, topic, poisoned);
    n.service().start();
    Timeouts.await("notifier-p to lead", Duration.ofSeconds(20), n.service()::isLeader);
    long sec = System.currentTimeMillis() / 1000;
    for (String app : new String[] {"alpha", "beta"}) {
      for (String ip : new String[] {"203.0.113.66", "203.0.113.67", "198.51.100.1"}) {
        windows.put(app, Kind.SECOND, sec, ip, 500).put(app, Kind.SECOND, sec - 1, ip, 500);
      }
    }
    Timeouts.await("every address but the poisoned one intercepted in both apps", Duration.ofSeconds(20), () -> {
      n.service().tick();
      return n.sink().published.size() >= 4;
    });
    assertThat(n.sink().published).extracting(p -> p.app() + " " + p.target()).containsExactlyInAnyOrder(
        "alpha 203.0.113.67/32", "alpha 198.51.100.1/32", "beta 203.0.113.67/32", "beta 198.51.100.1/32");
    assertThat(n.service().judgeFailures()).as("the poisoned address's failures, counted").isGreaterThanOrEqualTo(2);
  }

  @Test
  void aSecondAnAggregatorWroteAfterTheScansPassedIt_isStillJudged_butNotOnceItsTargetWasInterceptedSinceIt(ZooKeeper zk,
      KafkaBroker kafka) throws Exception {
    Tree tree = freshTree(zk, kafka, "shop");
    ZkPaths paths = tree.paths();
    String topic = tree.topic();
    Notifier n = notifier("notifier-l", zk, kafka, paths, topic);
    n.service().start();
    Timeouts.await("notifier-l to lead", Duration.ofSeconds(20), n.service()::isLeader);
    Timeouts.await("the leader to scan with the global limit", Duration.ofSeconds(20), () -> {
      n.service().tick();
      return n.service().scans() > 0;
    });
    // an aggregator 20 s behind its input: the seconds it writes now were passed by every scan so far
    long sec = System.currentTimeMillis() / 1000;
    windows.put("shop", Kind.SECOND, sec - 20, "203.0.113.9", 500);
    Timeouts.await("the late second's offender intercepted", Duration.ofSeconds(20), () -> {
      n.service().tick();
      return !n.sink().published.isEmpty();
    });
    assertThat(n.sink().published).singleElement().satisfies(p -> assertThat(p.target()).hasToString("203.0.113.9/32"));
    assertThat(n.book().release("shop", dev.portcullis.address.Cidr.parse("203.0.113.9/32"), "ops", "a test")).isTrue();
    int published = n.sink().published.size();
    long lateScans = n.service().lateScans();
    Timeouts.await("two more scans of the late seconds", Duration.ofSeconds(20), () -> {
      n.service().tick();
      return n.service().lateScans() >= lateScans + 2;
    });
    assertThat(n.sink().published).as("the same old second, judged again after the release, is stale").hasSize(published);
  }

  @Test
  void aLeaderThatCannotReadTheActiveSetFor20s_waitsWithoutScanning_thenServesTheFullSet(ZooKeeper zk) throws Exception {
    ZkPaths paths = new ZkPaths("/leader-it-" + System.nanoTime());
    String topic = "notices";
    Path dir = Files.createTempDirectory("portcullis-kafka-leader-it");
    int brokerPort = Ports.freeLoopbackPort();
    int controllerPort = Ports.freeLoopbackPort();
    InterceptNotice permanent = new InterceptNotice("n-perm", "shop", Cidr.parse("192.0.2.66/32"),
        InterceptNotice.Action.DENY, 4, "permanent from the last leader", System.currentTimeMillis(), null);
    try (KRaftBroker kafka = KRaftBroker.start(dir, brokerPort, controllerPort, Map.of(), true)) {
      Topics.create(kafka.bootstrapServers(), topic, 1, true);
      try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
          new StringSerializer(), new ByteArraySerializer())) {
        p.send(new ProducerRecord<>(topic, permanent.key(), new WireCodec().write(permanent))).get();
      }
      seedRules(zk, paths, "shop");
      kafka.stop();

      Notifier n = notifier("notifier-k", zk, kafka, paths, topic);
      n.service().start();
      Timeouts.await("notifier-k to lead", Duration.ofSeconds(20), n.service()::isLeader);
      long sec = System.currentTimeMillis() / 1000;
      windows.put("shop", Kind.SECOND, sec, "203.0.113.7", 500).put("shop", Kind.SECOND, sec - 1, "203.0.113.7", 500);
      // Kafka stays away for 20 s: the leader ticks (as its scheduler would) and neither scans nor publishes
      Timeouts.holdsFor(Duration.ofSeconds(20), Duration.ofMillis(250), () -> {
        n.service().tick();
        assertThat(n.service().notServingReason()).as("a leader without the active set says so")
            .contains("cannot read the active intercepts");
        assertThat(n.service().scans()).as("and does not scan").isZero();
        assertThat(n.sink().published).isEmpty();
      });

      kafka.restart();
      Timeouts.await("the leader to read the active set once Kafka is back", Duration.ofSeconds(60), () -> {
        n.service().tick();
        return n.service().notServingReason() == null;
      });
      Timeouts.await("a scan after loading", Duration.ofSeconds(20), () -> {
        n.service().tick();
        return n.service().scans() > 0;
      });
      assertThat(n.book().active()).as("the permanent intercept of the last leader is held")
          .extracting(InterceptNotice::key).contains("shop|192.0.2.66");
    }
  }

  @Test
  void aSecondStart_isRefusedAndCloseIsIdempotent(ZooKeeper zk, KafkaBroker kafka) throws Exception {
    ZkPaths paths = new ZkPaths("/leader-it-" + System.nanoTime());
    Notifier a = notifier("notifier-x", zk, kafka, paths, "notices-" + System.nanoTime());
    a.service().start();
    org.assertj.core.api.Assertions.assertThatThrownBy(a.service()::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("started once");
    a.service().close();
    a.service().close();
    assertThat(a.service().isLeader()).isFalse();
  }
}
