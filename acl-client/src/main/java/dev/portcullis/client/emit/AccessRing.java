package dev.portcullis.client.emit;

import dev.portcullis.client.thread.ThreadCells;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The hand-off from request threads to the emitter: a bounded, lossy, multi-producer
 * single-consumer ring of primitive slots (the JCTools MPSC array queue pattern).
 *
 * <p>The ring is split into stripes, each its own MPSC ring; a thread offers to its own stripe, so
 * that request threads on different cores do not contend for one index nor write the same cache
 * lines. Within a stripe, {@link #offer} claims a slot with one compare-and-set, writes the fields and
 * publishes the slot with an ordered store. A thread whose stripe is full tries the other stripes
 * before giving up, so a server with one or two request threads (an event loop) still has the whole
 * ring when the emitter falls behind. It never blocks and never allocates; it returns {@code false}
 * iff every stripe is full, and counts the drop. The single consumer (the emitter thread) calls
 * {@link #drain}, which hands every published slot of each stripe to a {@link Sink}, in order within a
 * stripe, and frees the slots at the end of the batch.
 */
public final class AccessRing {

  /** Receives drained slots on the consumer thread. */
  @FunctionalInterface
  public interface Sink {
    /**
     * @param v4 IPv4 bits, or negative for IPv6 (then {@code hi}/{@code lo} hold the bits)
     * @param at when the request was decided, epoch ms (the client's coarse clock on the request thread)
     */
    void accept(long v4, long hi, long lo, String iface, String caller, boolean denied, long at);
  }

  /** Most stripes of a ring built with {@link #AccessRing(int)}: enough for the request threads of a few cores. */
  public static final int MAX_STRIPES = 4;
  /** Fewest slots a stripe of a ring built with {@link #AccessRing(int)} gets, so one busy thread is not cramped. */
  public static final int MIN_STRIPE_SLOTS = 4096;

  private static final int DROPPED = 0;
  private static final int FULL_AT_EPOCH = 1; // 1 + the drain epoch at which this thread found every stripe full

  private final Stripe[] stripes;
  private final int stripeShift;
  private final ThreadCells threads = new ThreadCells(2);
  private final PaddedIndex drainEpoch = new PaddedIndex();
  private volatile boolean refusing;
  private int nextToDrain;

  /**
   * A ring of {@code capacity} slots in up to {@value #MAX_STRIPES} stripes of at least
   * {@value #MIN_STRIPE_SLOTS} slots each (one stripe below 8,192 slots).
   */
  public AccessRing(int capacity) {
    this(capacity, Math.max(1, Math.min(MAX_STRIPES, Integer.highestOneBit(Math.max(1, capacity / MIN_STRIPE_SLOTS)))));
  }

  /**
   * @param capacity slots in all, a power of two
   * @param stripes  independent rings the slots are split into, a power of two; a thread offers to
   *                 its own stripe while it has room, so two busy threads rarely write the same cache lines
   */
  public AccessRing(int capacity, int stripes) {
    if (capacity < 2 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("ring capacity must be a power of two >= 2, was " + capacity);
    }
    if (stripes < 1 || Integer.bitCount(stripes) != 1 || capacity / stripes < 2) {
      throw new IllegalArgumentException("stripes must be a power of two leaving >= 2 slots each, was " + stripes);
    }
    this.stripes = new Stripe[stripes];
    for (int i = 0; i < stripes; i++) {
      this.stripes[i] = new Stripe(capacity / stripes);
    }
    this.stripeShift = 64 - Integer.numberOfTrailingZeros(stripes);
  }

  /**
   * Any thread. Returns false iff the ring refuses or every stripe is full (the access is dropped and
   * counted).
   */
  public boolean offer(long v4Bits, long v6Hi, long v6Lo, String ifaceName, String callerName, boolean wasDenied,
      long atMillis) {
    if (refusing) {
      return drop(threads.cell());
    }
    // (a shift by 64, for one stripe, would shift by nothing in Java)
    int home = stripes.length == 1 ? 0 : (int) ((Thread.currentThread().getId() * 0x9E3779B97F4A7C15L) >>> stripeShift);
    if (stripes[home].offer(v4Bits, v6Hi, v6Lo, ifaceName, callerName, wasDenied, atMillis)) {
      return true;
    }
    ThreadCells.Cell cell = threads.cell();
    if (stripes.length == 1) {
      return drop(cell);
    }
    long epoch = drainEpoch.get();
    if (cell.read(FULL_AT_EPOCH) == epoch + 1) {
      return drop(cell); // every stripe was full and nothing has been drained since
    }
    for (int k = 1; k < stripes.length; k++) {
      if (stripes[(home + k) & (stripes.length - 1)].offer(v4Bits, v6Hi, v6Lo, ifaceName, callerName, wasDenied, atMillis)) {
        return true;
      }
    }
    cell.set(FULL_AT_EPOCH, epoch + 1);
    return drop(cell);
  }

  private static boolean drop(ThreadCells.Cell cell) {
    cell.count(DROPPED);
    return false;
  }

  /**
   * Any thread. While {@code refuse} is true every offer is dropped and counted at once (the emitter's
   * Kafka is away: there is nothing to send them with).
   */
  public void refuse(boolean refuse) {
    if (refusing != refuse) {
      refusing = refuse;
    }
  }

  public boolean refusing() {
    return refusing;
  }

  /** Consumer thread only. Drains up to {@code max} slots from the stripes in turn; returns how many. */
  public int drain(Sink sink, int max) {
    int n = 0;
    for (int k = 0; k < stripes.length && n < max; k++) {
      n += stripes[nextToDrain].drain(sink, max - n);
      nextToDrain = (nextToDrain + 1) & (stripes.length - 1);
    }
    if (n > 0) {
      drainEpoch.lazySet(drainEpoch.get() + 1); // threads that found the ring full may look again
    }
    return n;
  }

  /** Accesses dropped: refused, or every stripe full. */
  public long dropped() {
    return threads.sum(DROPPED);
  }

  /** Approximate number of slots waiting. */
  public long size() {
    long n = 0;
    for (Stripe s : stripes) {
      n += s.size();
    }
    return n;
  }

  /** One bounded MPSC ring (the JCTools MPSC array queue pattern). */
  private static final class Stripe {

    private final int mask;
    private final long capacity;
    private final long[] v4;
    private final long[] hi;
    private final long[] lo;
    private final String[] iface;
    private final String[] caller;
    private final boolean[] denied;
    private final long[] at;
    private final AtomicLongArray sequence;
    // each on a cache line of its own: producers CAS the first, the consumer writes the second
    private final PaddedIndex producerIndex = new PaddedIndex();
    private final PaddedIndex consumerIndex = new PaddedIndex();

    Stripe(int capacity) {
      this.capacity = capacity;
      this.mask = capacity - 1;
      this.v4 = new long[capacity];
      this.hi = new long[capacity];
      this.lo = new long[capacity];
      this.iface = new String[capacity];
      this.caller = new String[capacity];
      this.denied = new boolean[capacity];
      this.at = new long[capacity];
      this.sequence = new AtomicLongArray(capacity);
      for (int i = 0; i < capacity; i++) {
        sequence.set(i, i);
      }
    }

    boolean offer(long v4Bits, long v6Hi, long v6Lo, String ifaceName, String callerName, boolean wasDenied,
        long atMillis) {
      long p;
      do {
        p = producerIndex.get();
        if (p - consumerIndex.get() >= capacity) {
          return false; // full; the caller counts the drop if no other stripe takes it
        }
      } while (!producerIndex.compareAndSet(p, p + 1));
      int i = (int) p & mask;
      v4[i] = v4Bits;
      hi[i] = v6Hi;
      lo[i] = v6Lo;
      iface[i] = ifaceName;
      caller[i] = callerName;
      denied[i] = wasDenied;
      at[i] = atMillis;
      sequence.lazySet(i, p + 1); // publish: fields above happen-before a consumer that sees this
      return true;
    }

    int drain(Sink sink, int max) {
      long c = consumerIndex.get();
      int n = 0;
      while (n < max) {
        int i = (int) c & mask;
        if (sequence.get(i) != c + 1) {
          break;
        }
        sink.accept(v4[i], hi[i], lo[i], iface[i], caller[i], denied[i], at[i]);
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

    long size() {
      return Math.max(0, producerIndex.get() - consumerIndex.get());
    }
  }
}
