package dev.portcullis.client.emit;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether Kafka answers, as the emitter sees it: a circuit breaker over the access producer.
 *
 * <p>Design note. A producer that cannot reach Kafka does not say so at once: each {@code send}
 * waits up to {@code max.block.ms} for metadata or buffer space and then reports the failure through
 * its callback, so an emitter that kept sending would wait that long per record while the ring filled
 * and request threads dropped. The circuit opens on the first sign of absence (a send that refused, or
 * failed in its callback) and then the emitter drops whole slices, counted, without calling the
 * producer. While open, the emitter asks for the
 * topic's metadata when a probe is due (100 ms after opening, doubling to at most 500 ms), and the
 * circuit closes as soon as Kafka answers; a delivery that succeeds also closes it. A probe may wait
 * {@code max.block.ms}, so it runs on a thread of its own while the emitter keeps draining the ring.
 *
 * <p>Threads. The emitter thread opens and reads it, a probe thread reports probes, the producer's
 * I/O thread reports deliveries; the schedule of probes is guarded by this object's lock, and
 * {@link #isOpen()} is a volatile read.
 */
final class KafkaCircuit implements AutoCloseable {

  static final long FIRST_PROBE_NANOS = 100_000_000L;
  static final long MAX_PROBE_NANOS = 500_000_000L;

  private final LongSupplier nanoClock;
  private final BooleanSupplier kafkaAnswers;
  private final Executor prober;
  private final AtomicBoolean probing = new AtomicBoolean();
  private final AtomicLong opened = new AtomicLong();
  private volatile boolean open;
  private long nextProbeAt;
  private long probeInterval = FIRST_PROBE_NANOS;

  /**
   * @param kafkaAnswers the probe: true iff Kafka answers now (it may wait max.block.ms)
   * @param prober       where probes run, off the emitter thread, or null for a daemon thread of the
   *                     circuit's own (named after {@code app}, started at the first probe, ended by {@link #close()})
   */
  KafkaCircuit(LongSupplier nanoClock, BooleanSupplier kafkaAnswers, Executor prober, String app) {
    this.nanoClock = nanoClock;
    this.kafkaAnswers = kafkaAnswers;
    this.prober = prober != null ? prober : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "portcullis-kafka-probe-" + app);
      t.setDaemon(true);
      return t;
    });
  }

  /** Emitter thread: starts a probe on the prober if one is due and none is running; never waits. */
  void probeIfDue() {
    if (probeDue() && probing.compareAndSet(false, true)) {
      prober.execute(() -> {
        try {
          probed(kafkaAnswers.getAsBoolean());
        } finally {
          probing.set(false);
        }
      });
    }
  }

  @Override
  public void close() {
    if (prober instanceof ExecutorService own) {
      own.shutdownNow();
    }
  }

  boolean isOpen() {
    return open;
  }

  /** Opens the circuit (emitter or I/O thread); the first probe is due in 100 ms. */
  synchronized void trip() {
    if (!open) {
      open = true;
      opened.incrementAndGet();
      probeInterval = FIRST_PROBE_NANOS;
      nextProbeAt = nanoClock.getAsLong() + probeInterval;
    }
  }

  /** A record was delivered: Kafka is there. */
  void delivered() {
    open = false;
  }

  /** Emitter thread: true iff the circuit is open and a probe is due now. */
  synchronized boolean probeDue() {
    return open && nanoClock.getAsLong() - nextProbeAt >= 0;
  }

  /** Emitter thread: the result of a probe; a failed one backs off (doubling, at most 500 ms). */
  synchronized void probed(boolean kafkaAnswered) {
    if (kafkaAnswered) {
      open = false;
      return;
    }
    probeInterval = Math.min(MAX_PROBE_NANOS, probeInterval * 2);
    nextProbeAt = nanoClock.getAsLong() + probeInterval;
  }

  /** How many times the circuit has opened. */
  long opened() {
    return opened.get();
  }
}
