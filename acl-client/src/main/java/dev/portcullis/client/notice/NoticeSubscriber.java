package dev.portcullis.client.notice;

import dev.portcullis.client.decide.InterceptSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code acl.notices} as a broadcast: every partition assigned, no consumer group, from the
 * beginning at start (which rebuilds the set of active intercepts from the compacted topic), then
 * tailing. Notices for this app and for every app ({@code *}) are kept; a tombstone releases one;
 * an expired one is dropped by the next sweep (and ignored by lookups before that). Changes publish a
 * new immutable {@link InterceptSet} to the listener on this thread, at once while rebuilding is cheap
 * and paced by {@link RebuildPacer} (a fifth of a core at most) when the set is large and changing fast.
 *
 * <p>A record that does not parse is logged, counted and skipped; the notice it would have replaced
 * stays. When Kafka is away the consumer retries by itself and the last set stays in force. Partitions
 * added to the topic later are picked up (read from their beginning) at the next partition check, which
 * sees them once the consumer's metadata has been refreshed ({@code metadata.max.age.ms}).
 */
public final class NoticeSubscriber implements AutoCloseable {

  /** The default share of one core that rebuilds of the intercept set may take. */
  public static final double REBUILD_SHARE = 0.2;

  private static final Logger LOG = LoggerFactory.getLogger(NoticeSubscriber.class);

  private enum State { LATENT, STARTED, CLOSED }

  private final String app;
  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Consumer<InterceptSet> listener;
  private final LongSupplier clock;
  private final ActiveNotices active;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final LongAdder rebuilds = new LongAdder();
  private volatile long lastLagMillis = -1;
  private volatile boolean caughtUp;
  private final long partitionCheckMillis;
  private final RebuildPacer pacer; // a change waits at most 1 s for its rebuild
  private boolean dirty;
  private Map<TopicPartition, Long> startEnd;
  private long nextPartitionCheck;
  private Thread thread;

  /**
   * @param consumer       owned: closed by {@link #close()}; configured without a group id
   * @param partitionCheck how often to look for partitions added to the topic
   * @param rebuildShare   the largest share of one core that rebuilding the intercept set may take
   *                       ({@link #REBUILD_SHARE}; 1 rebuilds after every poll that changed it)
   * @param guard          what notices are accepted, and how many are held at most
   */
  public NoticeSubscriber(String app, String topic, KafkaConsumer<String, byte[]> consumer, Consumer<InterceptSet> listener,
      LongSupplier clock, Duration partitionCheck, double rebuildShare, NoticeGuard guard) {
    if (partitionCheck.toMillis() < 1) {
      throw new IllegalArgumentException("partitionCheck must be at least 1 ms, was " + partitionCheck);
    }
    this.app = app;
    this.topic = topic;
    this.consumer = consumer;
    this.listener = listener;
    this.clock = clock;
    this.partitionCheckMillis = partitionCheck.toMillis();
    this.pacer = new RebuildPacer(rebuildShare, TimeUnit.SECONDS.toNanos(1));
    this.active = new ActiveNotices(app, guard);
  }

  /** Times the intercept set was rebuilt and handed to the listener. */
  public long rebuilds() {
    return rebuilds.sum();
  }

  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("the notice subscriber can be started once; it is " + state.get());
    }
    thread = new Thread(this::run, "portcullis-notices-" + app);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (state.get() == State.STARTED && !assign()) {
        sleep(500);
      }
      while (state.get() == State.STARTED) {
        try {
          long wait = dirty ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(pacer.waitNanos(System.nanoTime()))) : 200;
          ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(Math.min(200, wait)));
          for (ConsumerRecord<String, byte[]> r : records) {
            dirty |= active.apply(r, clock.getAsLong());
          }
          dirty |= active.sweepExpired(clock.getAsLong());
          boolean nowCaughtUp = !caughtUp && startEnd != null
              && startEnd.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
          if (nowCaughtUp || (dirty && pacer.mayRebuild(System.nanoTime()))) {
            long start = System.nanoTime();
            publish();
            pacer.rebuilt(start, System.nanoTime());
            dirty = false;
          }
          if (nowCaughtUp) {
            caughtUp = true; // only after the rebuilt set is in force, so "caught up" means "applied"
          }
          long now = clock.getAsLong();
          if (now >= nextPartitionCheck) {
            nextPartitionCheck = now + partitionCheckMillis;
            assignAddedPartitions();
          }
        } catch (WakeupException e) {
          break;
        } catch (RuntimeException e) {
          LOG.warn("notice poll failed; retrying: {}", e.toString());
          sleep(500);
        }
      }
    } finally {
      try {
        consumer.close(Duration.ofSeconds(2));
      } catch (RuntimeException e) {
        LOG.debug("closing the notice consumer failed", e);
      }
    }
  }

  /** The first assignment: every partition, from the beginning, and where the topic ends now. */
  private boolean assign() {
    try {
      assignAdded();
      Set<TopicPartition> parts = consumer.assignment(); // also those of an attempt that failed after assigning
      if (parts.isEmpty()) {
        LOG.info("topic {} has no partitions yet; waiting", topic);
        return false;
      }
      startEnd = consumer.endOffsets(parts, Duration.ofSeconds(5));
      nextPartitionCheck = clock.getAsLong() + partitionCheckMillis;
      return true;
    } catch (WakeupException e) {
      return false;
    } catch (RuntimeException e) {
      LOG.info("cannot read {} yet ({}); retrying", topic, e.toString());
      return false;
    }
  }

  /** Later partition checks: partitions created since are added; the next check retries a failure. */
  private void assignAddedPartitions() {
    try {
      List<TopicPartition> added = assignAdded();
      if (!added.isEmpty()) {
        LOG.info("{} has {} new partition(s); reading them from the beginning: {}", topic, added.size(), added);
      }
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.debug("cannot list the partitions of {} now ({}); the next check retries", topic, e.toString());
    }
  }

  /**
   * Assigns the topic's partitions not yet assigned, read from their beginning (the others keep their
   * position); returns them.
   */
  private List<TopicPartition> assignAdded() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
    Set<TopicPartition> all = new HashSet<>(consumer.assignment());
    List<TopicPartition> added = new ArrayList<>();
    for (PartitionInfo p : infos == null ? List.<PartitionInfo>of() : infos) {
      TopicPartition tp = new TopicPartition(topic, p.partition());
      if (all.add(tp)) {
        added.add(tp);
      }
    }
    if (!added.isEmpty()) {
      consumer.assign(all);
      consumer.seekToBeginning(added);
    }
    return added;
  }

  private void publish() {
    try {
      InterceptSet set = active.toInterceptSet();
      long pendingIssuedAt = active.takePendingIssuedAt();
      if (pendingIssuedAt != Long.MIN_VALUE) {
        // set before the listener puts the set in force, so a reader who sees the notice applied sees its lag
        lastLagMillis = Math.max(0, clock.getAsLong() - pendingIssuedAt);
      }
      listener.accept(set);
      rebuilds.increment();
    } catch (RuntimeException e) {
      LOG.error("intercept listener failed", e);
    }
  }

  /** True once everything that was in the topic at start has been read. */
  public boolean isCaughtUp() {
    return caughtUp;
  }

  public long appliedNotices() {
    return active.applied();
  }

  public long poisonRecords() {
    return active.poison();
  }

  /** Valid notices refused by the {@link NoticeGuard}: too wide, or beyond the cap of held notices. */
  public long refusedNotices() {
    return active.refused();
  }

  /** issuedAt → in force (the set holding it published) for the last notice applied, ms; -1 before the first. */
  public long lastLagMillis() {
    return lastLagMillis;
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      state.set(State.CLOSED);
    }
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) != State.STARTED) {
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
