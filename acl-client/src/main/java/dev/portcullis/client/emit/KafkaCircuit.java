package dev.portcullis.client.emit;

import java.util.concurrent.atomic.AtomicLong;
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
 * circuit closes as soon as Kafka answers; a delivery that succeeds also closes it.
 *
 * <p>Threads. The emitter thread opens, probes and reads it; the producer's I/O thread reports
 * deliveries. Any thread may read {@link #opened()}.
 */
final class KafkaCircuit {

  static final long FIRST_PROBE_NANOS = 100_000_000L;
  static final long MAX_PROBE_NANOS = 500_000_000L;

  private final LongSupplier nanoClock;
  private final AtomicLong opened = new AtomicLong();
  private volatile boolean open;
  private long nextProbeAt;
  private long probeInterval = FIRST_PROBE_NANOS;

  KafkaCircuit(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  boolean isOpen() {
    return open;
  }

  /** Opens the circuit (emitter or I/O thread); the first probe is due in 100 ms. */
  void trip() {
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
  boolean probeDue() {
    return open && nanoClock.getAsLong() - nextProbeAt >= 0;
  }

  /** Emitter thread: the result of a probe; a failed one backs off (doubling, at most 500 ms). */
  void probed(boolean kafkaAnswered) {
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
