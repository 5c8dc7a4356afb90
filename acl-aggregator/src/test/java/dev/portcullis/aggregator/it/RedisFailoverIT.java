package dev.portcullis.aggregator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.AggregatorWorker;
import dev.portcullis.aggregator.TopicAdmin;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.notifier.scan.Breach;
import dev.portcullis.notifier.scan.RedisWindowReader;
import dev.portcullis.notifier.scan.RuleScanner;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.RedisClusterProcesses;
import dev.portcullis.servers.RedisProcess;
import dev.portcullis.testkit.Timeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.UnifiedJedis;

/**
 * A Redis Cluster of three masters, each with a replica (six redis-server processes), losing a master
 * for real (SIGKILL) while the aggregator flushes: the replica is promoted, the aggregator's flushes
 * fail until it is, and then every count converges exactly, including writes the dead master had
 * acknowledged but possibly not passed on. The notifier's scanner, reading the same cluster all along,
 * fails while the slots are unserved and then scans again and finds the breaches the counts hold.
 */
class RedisFailoverIT {

  @TempDir
  Path state;

  @Test
  void aMasterKilledMidFlush_itsReplicaTakesOver_countsConvergeExactly_andTheScannerGoesOn() throws Exception {
    try (KRaftBroker kafka = KRaftBroker.start(); RedisClusterProcesses cluster = RedisClusterProcesses.startWithReplicas()) {
      String bootstrap = kafka.bootstrapServers();
      RedisEndpoints redis = new RedisEndpoints(cluster.nodes(), true, 2000);
      try (AggregatorWorker worker = runningWorker(bootstrap, redis, "f");
          Traffic t = new Traffic(bootstrap, "access-f", "fault", 7);
          UnifiedJedis jedis = redis.connect();
          UnifiedJedis scanning = redis.connect()) {
        long base = System.currentTimeMillis();
        t.send(4_000, 400, base);
        awaitExact("every count before the kill", t, jedis);

        // the scanner judges the traffic's seconds against the default of 50 req/s, over and over
        RuleScanner scanner = new RuleScanner(new RedisWindowReader(scanning, new RedisKeys()), null, null);
        AtomicLong scans = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicReference<List<Breach>> last = new AtomicReference<>(List.of());
        Thread scan = new Thread(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            try {
              last.set(scanner.scan("fault", ConfigSnapshot.EMPTY, base + 2_000));
              scans.incrementAndGet();
            } catch (RuntimeException e) {
              failures.incrementAndGet();
            }
          }
        }, "scanning");
        scan.start();
        Timeouts.await("scans with breaches", Duration.ofSeconds(30), () -> !last.get().isEmpty());

        RedisProcess victim = cluster.processes().get(0);
        t.send(2_000, 400, base); // changes in flight: flushed, some to the master about to die
        victim.kill();
        t.send(2_000, 400, base);
        Timeouts.await("the replica promoted and every slot served", Duration.ofSeconds(60), cluster::isHealthy);
        awaitExact("every count after the failover", t, jedis);
        assertThat(worker.metrics().flushFailures()).as("flushes failed while the slots were unserved").isPositive();

        long scansAtRecovery = scans.get();
        Timeouts.await("scans going on after the failover", Duration.ofSeconds(30), () -> scans.get() > scansAtRecovery + 10);
        scan.interrupt();
        scan.join(10_000);
        List<Breach> found = scanner.scan("fault", ConfigSnapshot.EMPTY, base + 2_000);
        assertThat(found).as("breaches in the counted windows").isNotEmpty();
        for (Breach b : found) {
          long window = b.window().equals("1s") ? b.windowStart() : -1;
          if (window >= 0) {
            assertThat(b.count()).as(b.target() + " in " + window).isEqualTo(t.expected.get(
                new RedisKeys().secondWindow("fault", new RedisKeys().shard(b.target().network()), window))
                .get(b.target().network().toString()));
          }
        }
        System.out.printf("scans %d, failed while the slots were unserved %d; flush failures %d%n", scans.get(),
            failures.get(), worker.metrics().flushFailures());
      }
    }
  }

  /**
   * The gap a failed write cannot reveal: a master acknowledges a flush its replica never receives (the
   * replica frozen, SIGSTOP, and its link cut), then dies (SIGKILL) with nothing more for it to write. The replica, thawed,
   * is promoted without those writes; the aggregator sees the slot map name other masters and writes
   * every retained window again.
   */
  @Test
  void aMasterKilledAfterAcknowledgingWritesItsReplicaNeverGot_withNothingMoreToWrite_stillConvergesExactly()
      throws Exception {
    try (KRaftBroker kafka = KRaftBroker.start(); RedisClusterProcesses cluster = RedisClusterProcesses.startWithReplicas()) {
      String bootstrap = kafka.bootstrapServers();
      RedisEndpoints redis = new RedisEndpoints(cluster.nodes(), true, 2000);
      try (AggregatorWorker worker = runningWorker(bootstrap, redis, "g");
          Traffic t = new Traffic(bootstrap, "access-g", "gap", 11);
          UnifiedJedis jedis = redis.connect()) {
        long base = System.currentTimeMillis();
        t.send(3_000, 300, base);
        awaitExact("every count before the fault", t, jedis);

        RedisProcess master = cluster.processes().get(0);
        RedisProcess replica = cluster.replicaOf(master);
        replica.freeze();
        master.dropReplicaLinks();
        t.send(3_000, 300, base);
        awaitExact("every count acknowledged, the replica frozen", t, jedis);
        long failuresBefore = worker.metrics().flushFailures();
        long rewritesBefore = worker.metrics().storeRewrites();
        master.kill();
        replica.thaw();
        Timeouts.await("the stale replica promoted and every slot served", Duration.ofSeconds(60), cluster::isHealthy);
        awaitExact("every count after the failover, with no traffic since", t, jedis);
        assertThat(worker.metrics().storeRewrites()).as("retained windows written again").isGreaterThan(rewritesBefore);
        System.out.printf("flush failures during the fault: %d%n", worker.metrics().flushFailures() - failuresBefore);
      }
    }
  }

  /** A started aggregator over topics {@code access-<id>} / {@code dlq-<id>} (created here, 4 partitions), once running. */
  private AggregatorWorker runningWorker(String bootstrap, RedisEndpoints redis, String id) {
    TopicAdmin.ensure(bootstrap, List.of(TopicAdmin.access("access-" + id, 4, (short) 1),
        TopicAdmin.deadLetters("dlq-" + id, (short) 1)));
    AggregatorSettings s = AggregatorSettings.defaults(bootstrap, redis, state.resolve("agg-" + id))
        .withApplicationId("agg-" + id).withTopics("access-" + id, "dlq-" + id, 4);
    AggregatorWorker worker = new AggregatorWorker(s);
    try {
      worker.start();
      Timeouts.await("the worker to run", Duration.ofSeconds(90), () -> worker.streamsState() == KafkaStreams.State.RUNNING);
    } catch (RuntimeException | Error e) {
      worker.close();
      throw e;
    }
    return worker;
  }

  private static void awaitExact(String what, Traffic t, UnifiedJedis redis) {
    try {
      Timeouts.await(what, Duration.ofSeconds(120), () -> t.differenceIn(redis) == null);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; still different: " + t.differenceIn(redis), e);
    }
  }
}
