package dev.portcullis.client.emit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hand-off from request threads to the emitter: a bounded, lossy, multi-producer
 * single-consumer ring of primitive slots (the JCTools MPSC array queue pattern).
 *
 * <p>Producers (request threads) call {@link #offer}: it claims a slot with one compare-and-set,
 * writes the fields and publishes the slot with an ordered store. It never blocks and never
 * allocates; it returns {@code false} iff the ring is full, and counts the drop. The single
 * consumer (the emitter thread) calls {@link #drain}, which hands every published slot to a
 * {@link Sink} in order and frees the slots at the end of the batch.
 */
public final class AccessRing {

  /** Receives drained slots on the consumer thread. */
  @FunctionalInterface
  public interface Sink {
    /** @param v4 IPv4 bits, or negative for IPv6 (then {@code hi}/{@code lo} hold the bits) */
    void accept(long v4, long hi, long lo, String iface, String caller, boolean denied);
  }

  private final int mask;
  private final long capacity;
  private final long[] v4;
  private final long[] hi;
  private final long[] lo;
  private final String[] iface;
  private final String[] caller;
  private final boolean[] denied;
  private final AtomicLongArray sequence;
  private final AtomicLong producerIndex = new AtomicLong();
  private final AtomicLong consumerIndex = new AtomicLong();
  private final LongAdder dropped = new LongAdder();

  /** @param capacity slots, a power of two */
  public AccessRing(int capacity) {
    if (capacity < 2 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("ring capacity must be a power of two >= 2, was " + capacity);
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.v4 = new long[capacity];
    this.hi = new long[capacity];
    this.lo = new long[capacity];
    this.iface = new String[capacity];
    this.caller = new String[capacity];
    this.denied = new boolean[capacity];
    this.sequence = new AtomicLongArray(capacity);
    for (int i = 0; i < capacity; i++) {
      sequence.set(i, i);
    }
  }

  /** Any thread. Returns false iff the ring is full (the access is dropped and counted). */
  public boolean offer(long v4Bits, long v6Hi, long v6Lo, String ifaceName, String callerName, boolean wasDenied) {
    long p;
    do {
      p = producerIndex.get();
      if (p - consumerIndex.get() >= capacity) {
        dropped.increment();
        return false;
      }
    } while (!producerIndex.compareAndSet(p, p + 1));
    int i = (int) p & mask;
    v4[i] = v4Bits;
    hi[i] = v6Hi;
    lo[i] = v6Lo;
    iface[i] = ifaceName;
    caller[i] = callerName;
    denied[i] = wasDenied;
    sequence.lazySet(i, p + 1); // publish: fields above happen-before a consumer that sees this
    return true;
  }

  /** Consumer thread only. Drains up to {@code max} slots; returns how many. */
  public int drain(Sink sink, int max) {
    long c = consumerIndex.get();
    int n = 0;
    while (n < max) {
      int i = (int) c & mask;
      if (sequence.get(i) != c + 1) {
        break;
      }
      sink.accept(v4[i], hi[i], lo[i], iface[i], caller[i], denied[i]);
      iface[i] = null;
      caller[i] = null;
      sequence.lazySet(i, c + capacity);
      c++;
      n++;
    }
    if (n > 0) {
      consumerIndex.lazySet(c);
    }
    return n;
  }

  /** Accesses refused because the ring was full. */
  public long dropped() {
    return dropped.sum();
  }

  /** Approximate number of slots waiting. */
  public long size() {
    return Math.max(0, producerIndex.get() - consumerIndex.get());
  }
}
