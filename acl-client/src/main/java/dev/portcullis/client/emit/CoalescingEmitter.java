package dev.portcullis.client.emit;

import dev.portcullis.address.IpAddress;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.WireCodec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single background thread that turns accesses into {@code acl.access} records.
 *
 * <p>Design note (the coalescing slice). Request threads only offer to the {@link AccessRing}. This
 * thread drains it in batches and adds each access to a count for its (ip, iface, caller) in the
 * slice it was decided in (default 100 ms, aligned to the epoch; the request thread stamps each access
 * with the client's coarse clock). When the current slice ends it sends one record per key and slice
 * with {@code n} requests and {@code denied} refusals, so under attack one record stands for
 * thousands of requests. An emitter that falls behind (a starved thread, a pause) sends late, but each
 * request still counts in the second it was made in, unless it is more than {@value #MAX_LAG_MILLIS} ms
 * behind: then it counts in the current slice, where the aggregators, which count a record up to 3 s
 * behind the newest of its key, still take it (and {@link #countedLater()} counts it). The per-slice map
 * is bounded ({@code maxKeysPerSlice}); an access that
 * would need a new key beyond it is dropped and counted. When Kafka is slow or down the producer's
 * own bounded buffer fills, {@code send} fails fast ({@code max.block.ms}), and records are dropped
 * and counted here; nothing waits on a request thread, and sending resumes when Kafka returns.
 * While Kafka does not answer at all (a {@link KafkaCircuit} that is open), whole slices are counted
 * as dropped without touching the producer, and the ring refuses new accesses (each counted by its
 * request thread), so request threads pay less, not more, while Kafka is away; it accepts them again
 * within one iteration (at most a few ms) of the circuit closing. {@link #close()} stops the thread first, then flushes
 * the current slice, and returns within its budget.
 */
public final class CoalescingEmitter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CoalescingEmitter.class);

  private static final long NO_DEADLINE = Long.MIN_VALUE;
  private static final long AWAY_PARK_NANOS = 20_000_000L;
  /** How far behind its slice an access may still be counted in the slice it was decided in. */
  static final long MAX_LAG_MILLIS = 2_000;
  /** How long {@link #close()} may spend sending what is buffered before dropping (and counting) the rest. */
  private static final Duration CLOSE_BUDGET = Duration.ofSeconds(5);

  private enum State { LATENT, STARTED, CLOSED }

  private final String app;
  private final String node;
  private final String topic;
  private final AccessRing ring;
  private final Producer<KafkaKeys.AccessKey, byte[]> producer;
  private final LongSupplier clock;
  private final long sliceMillis;
  private final WireCodec codec = new WireCodec();
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final AccessSlice slice;
  private final LongAdder sentRecords = new LongAdder();
  private final LongAdder sentRequests = new LongAdder();
  private final LongAdder failedRecords = new LongAdder();
  private final LongAdder droppedAccesses = new LongAdder();
  private final LongAdder countedLater = new LongAdder();
  private final KafkaCircuit circuit;
  private final AccessRing.Sink countDropped = (v4, hi, lo, iface, caller, denied, at) -> droppedAccesses.increment();
  private long sliceStart = -1;
  private volatile long closeDeadline = NO_DEADLINE;
  private Thread thread;

  /**
   * @param producer owned: closed by {@link #close()}
   * @param clock    wall-clock epoch ms (the client's coarse clock)
   */
  public CoalescingEmitter(String app, String node, String topic, AccessRing ring, Producer<KafkaKeys.AccessKey, byte[]> producer,
      LongSupplier clock, Duration slice, int maxKeysPerSlice) {
    this(app, node, topic, ring, producer, clock, slice, maxKeysPerSlice, null);
  }

  /**
   * @param prober where probes of an absent Kafka run (each may wait max.block.ms), so that the emitter
   *     thread keeps draining the ring meanwhile; null for a daemon thread of the emitter's own
   */
  CoalescingEmitter(String app, String node, String topic, AccessRing ring, Producer<KafkaKeys.AccessKey, byte[]> producer,
      LongSupplier clock, Duration slice, int maxKeysPerSlice, Executor prober) {
    if (slice.toMillis() < 1) {
      throw new IllegalArgumentException("slice must be at least 1 ms, was " + slice);
    }
    if (maxKeysPerSlice < 1) {
      throw new IllegalArgumentException("maxKeysPerSlice must be >= 1, was " + maxKeysPerSlice);
    }
    this.app = app;
    this.node = node;
    this.topic = topic;
    this.ring = ring;
    this.producer = producer;
    this.clock = clock;
    this.sliceMillis = slice.toMillis();
    this.slice = new AccessSlice(maxKeysPerSlice);
    // probes follow the (injected) clock
    this.circuit = new KafkaCircuit(() -> clock.getAsLong() * 1_000_000L, this::kafkaAnswers, prober, app);
  }

  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("the emitter can be started once; it is " + state.get());
    }
    thread = new Thread(this::run, "portcullis-emitter-" + app);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (state.get() == State.STARTED) {
      try {
        int drained = pump();
        if (drained == 0) {
          // while Kafka is away the ring refuses and there is nothing to drain: wake less often, so
          // that on a small machine the host's request threads keep the cores (sending resumes within
          // this much more of Kafka answering)
          LockSupport.parkNanos(circuit.isOpen() ? AWAY_PARK_NANOS : 2_000_000L);
        }
      } catch (RuntimeException e) {
        LOG.error("emitter iteration failed; continuing", e);
      }
    }
  }

  /** One iteration: drain, and flush the slice if it has ended. Emitter thread (or tests) only. */
  int pump() {
    circuit.probeIfDue();
    long now = clock.getAsLong();
    long currentSlice = now - Math.floorMod(now, sliceMillis);
    if (sliceStart >= 0 && currentSlice != sliceStart) {
      flushSlice();
    }
    if (sliceStart < 0 || currentSlice != sliceStart) {
      sliceStart = currentSlice;
    }
    // with Kafka away there is nothing to coalesce for: the ring refuses (and counts) new accesses at
    // the request threads, and what it holds is counted and freed here at full speed
    boolean away = circuit.isOpen();
    ring.refuse(away);
    return ring.drain(away ? countDropped : this::add, 8192);
  }

  private void add(long v4, long hi, long lo, String iface, String caller, boolean denied, long at) {
    // an access older than MAX_LAG_MILLIS (the emitter starved that long) counts in the current slice: the
    // aggregators keep 3 s of grace, and a record later than that would not be counted at all
    long own = at - Math.floorMod(at, sliceMillis);
    if (own < sliceStart - MAX_LAG_MILLIS) {
      own = sliceStart;
      countedLater.increment();
    }
    if (!slice.add(own, v4, hi, lo, iface, caller, denied)) {
      droppedAccesses.increment();
    }
  }

  private void flushSlice() {
    if (slice.isEmpty()) {
      return;
    }
    if (circuit.isOpen()) {
      dropSlice();
      return;
    }
    // once the producer refuses a record itself (its buffer full for max.block.ms while Kafka is away, or
    // closed), the rest of the slice is dropped and counted rather than each waiting as long again
    boolean refused = false;
    for (Map.Entry<AccessSlice.Key, long[]> e : slice.entries()) {
      AccessSlice.Key k = e.getKey();
      long n = e.getValue()[0];
      if (refused || (closeDeadline != NO_DEADLINE && System.nanoTime() - closeDeadline > 0)) {
        droppedAccesses.add(n);
        continue;
      }
      IpAddress ip = k.v4() >= 0 ? IpAddress.ofV4((int) k.v4()) : IpAddress.ofV6(k.hi(), k.lo());
      byte[] value;
      try {
        value = codec.write(new AccessEvent(app, k.iface(), ip, k.caller(), k.slice(), n, e.getValue()[1], node));
      } catch (IllegalArgumentException bad) {
        // an iface or caller the wire format refuses (e.g. contains '|'): drop, never crash
        droppedAccesses.add(n);
        LOG.debug("dropping an access that cannot be encoded: {}", bad.getMessage());
        continue;
      }
      try {
        producer.send(new ProducerRecord<>(topic, new KafkaKeys.AccessKey(app, ip), value), (md, ex) -> {
          if (ex == null) {
            sentRecords.increment();
            sentRequests.add(n);
            circuit.delivered();
          } else {
            failedRecords.increment();
            droppedAccesses.add(n);
            circuit.trip();
          }
        });
        // a producer that waited max.block.ms for metadata reports it through the callback, at once:
        // the circuit is open and the rest of the slice need not wait as long again
        refused = circuit.isOpen();
      } catch (TimeoutException | IllegalStateException ex) {
        failedRecords.increment();
        droppedAccesses.add(n);
        refused = true;
        circuit.trip();
        LOG.debug("the producer refused a record ({}); dropping the rest of this slice", ex.toString());
      } catch (RuntimeException ex) {
        failedRecords.increment();
        droppedAccesses.add(n);
      }
    }
    slice.clear();
  }

  /** Counts every access of the slice as dropped, without asking the producer. */
  private void dropSlice() {
    droppedAccesses.add(slice.accesses());
    slice.clear();
  }

  /** A probe while the circuit is open: true iff Kafka gives the topic's metadata (waits up to max.block.ms). */
  private boolean kafkaAnswers() {
    try {
      return !producer.partitionsFor(topic).isEmpty();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** True while the emitter counts accesses as dropped because Kafka does not answer. */
  public boolean kafkaAway() {
    return circuit.isOpen();
  }

  /** How many times Kafka was found away. */
  public long kafkaOutages() {
    return circuit.opened();
  }

  /** Records acknowledged by Kafka. */
  public long sentRecords() {
    return sentRecords.sum();
  }

  /** Requests represented by acknowledged records. */
  public long sentRequests() {
    return sentRequests.sum();
  }

  /**
   * Accesses counted in a later slice than the one they were decided in, because the emitter was more
   * than {@value #MAX_LAG_MILLIS} ms behind (a starved thread, a pause): each moves one request into a later
   * second of the aggregators' windows.
   */
  public long countedLater() {
    return countedLater.sum();
  }

  /** Records Kafka refused or that timed out. */
  public long failedRecords() {
    return failedRecords.sum();
  }

  /** Accesses lost after the ring (slice map full, send failed), plus those the ring dropped. */
  public long droppedAccesses() {
    return droppedAccesses.sum() + ring.dropped();
  }

  /**
   * Stops the emitter thread, then sends what is buffered and closes the producer, all within 5 s:
   * what cannot be sent by then is dropped and counted. With Kafka away (the circuit open) nothing is
   * waited for. Idempotent; never throws.
   */
  @Override
  public void close() {
    State previous = state.getAndSet(State.CLOSED);
    if (previous == State.CLOSED) {
      return;
    }
    long deadline = System.nanoTime() + CLOSE_BUDGET.toNanos();
    if (stopThread()) {
      // the last flush leaves a second of the budget for the producer to deliver it
      closeDeadline = deadline - Duration.ofSeconds(1).toNanos();
      try {
        // drain everything offered before close through pump(), which also stamps the slice: draining
        // the ring directly lost the accesses of an emitter closed before its thread's first pump
        while (pump() > 0) {
          // until the ring is empty
        }
        flushSlice();
      } catch (RuntimeException e) {
        LOG.warn("final flush of access events failed", e);
      }
    } else {
      LOG.warn("the emitter thread did not stop within 1.5 s; its last slice is not sent");
    }
    circuit.close();
    ring.refuse(true); // nothing drains it any more: accesses are counted as dropped at once
    long left = Math.max(0, deadline - System.nanoTime());
    try {
      producer.close(circuit.isOpen() ? Duration.ZERO : Duration.ofNanos(left));
    } catch (RuntimeException e) {
      LOG.warn("closing the access producer failed", e);
    }
  }

  /** Ends the emitter thread (asked, then interrupted); true iff it has ended, so its slice is ours. */
  private boolean stopThread() {
    if (thread == null) {
      return true;
    }
    LockSupport.unpark(thread);
    try {
      thread.join(1_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(500);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }
}
