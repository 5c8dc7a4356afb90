package dev.portcullis.client.thread;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What each request thread keeps for one component (the decision engine, the access ring): a scratch
 * array for the IPv6 bits of the address being parsed, and the thread's own counts (of decisions by
 * outcome, of accesses dropped).
 *
 * <p>Design note. Counting every decision in a shared counter costs an atomic read-modify-write per
 * request (a {@code LongAdder}'s base CAS: about a tenth of a whole check) and, with several request
 * threads, cache lines that move between cores. Here each thread counts in its own cell, with plain
 * (opaque) stores: one writer per cell, so no update is lost and no instruction is locked. A reader
 * sums the cells. A cell whose thread has ended is folded into a base total and dropped, when a cell
 * is registered and when the totals are read, so memory follows the live threads, not every thread
 * that ever called. Readers see each thread's count as of a recent moment (opaque reads), which is
 * what a metric needs.
 *
 * <p>Thread-safe.
 */
public final class ThreadCells {

  private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);
  /**
   * Longs of padding on each side of a cell's counts. Cells are allocated by their own threads, far
   * apart, but a garbage collection copies them next to each other (in the order it finds them, from
   * the list of cells); unpadded, two threads' counts then shared a cache line, and every request on
   * one core invalidated the other's (two request threads did 1.4× one instead of 1.8×).
   */
  private static final int PAD = 8;

  /** One request thread's state. Only its thread writes it. */
  public static final class Cell {
    /** IPv6 bits of the address being decided ({@code Addresses.parse}'s output). */
    /** IPv6 scratch: [0] and [1] used, the rest keeps whatever the collector places after it off their line. */
    public final long[] v6 = new long[2 + PAD];
    private final long[] counts;
    private final WeakReference<Thread> owner;

    private Cell(int kinds) {
      this.counts = new long[PAD + kinds + PAD];
      this.owner = new WeakReference<>(Thread.currentThread());
    }

    /** Owner thread only. */
    public void count(int kind) {
      COUNT.setOpaque(counts, PAD + kind, (long) COUNT.getOpaque(counts, PAD + kind) + 1);
    }

    /** Any thread: the owner's count (or value) of {@code kind} as of a recent moment. */
    public long read(int kind) {
      return (long) COUNT.getOpaque(counts, PAD + kind);
    }

    /** Owner thread only: sets a slot used as the thread's own state rather than a count. */
    public void set(int kind, long value) {
      COUNT.setOpaque(counts, PAD + kind, value);
    }

    boolean ownerEnded() {
      Thread t = owner.get();
      return t == null || !t.isAlive();
    }
  }

  private final int kinds;
  private final ThreadLocal<Cell> local = ThreadLocal.withInitial(this::register);
  private final List<Cell> cells = new ArrayList<>(); // guarded by this
  private final long[] retired;                        // guarded by this: counts of ended threads

  /** @param kinds how many distinct things are counted (indices 0 .. kinds - 1) */
  public ThreadCells(int kinds) {
    this.kinds = kinds;
    this.retired = new long[kinds];
  }

  /** The calling thread's cell, registered on first use. */
  public Cell cell() {
    return local.get();
  }

  /** Sum over all threads, live and ended, of the counts of {@code kind}. */
  public synchronized long sum(int kind) {
    retireEnded();
    long total = retired[kind];
    for (Cell c : cells) {
      total += c.read(kind);
    }
    return total;
  }

  /** Cells registered and not yet retired (for tests). */
  synchronized int liveCells() {
    retireEnded();
    return cells.size();
  }

  private synchronized Cell register() {
    retireEnded();
    Cell c = new Cell(kinds);
    cells.add(c);
    return c;
  }

  private void retireEnded() {
    for (Iterator<Cell> it = cells.iterator(); it.hasNext(); ) {
      Cell c = it.next();
      if (c.ownerEnded()) {
        // a thread's last action happens-before another thread sees it as not alive
        for (int k = 0; k < kinds; k++) {
          retired[k] += c.read(k);
        }
        it.remove();
      }
    }
  }
}
