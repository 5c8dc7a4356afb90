package dev.portcullis.aggregator.topology;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many decoded entries each {@link WriteBackStore} of one worker keeps once written: an equal share of the
 * worker's total among the stores its tasks have open, within a least and a most per store. A worker's heap is
 * then bounded by its total, whatever number of tasks Kafka gives it (twelve tasks of a 200,000-entry cache each
 * in two stores were 4.8 million decoded states). Thread-safe: every stream thread of the worker shares it.
 */
final class CacheBudget {

  /** The entries a worker keeps by default: eight stores' worth (four tasks) of {@link #DEFAULT_MOST_PER_STORE}. */
  static final long DEFAULT_TOTAL = 1_600_000;
  /** The most entries one store keeps by default, however few stores are open. */
  static final int DEFAULT_MOST_PER_STORE = 200_000;
  /** The fewest entries one store keeps by default, however many are open. */
  static final int DEFAULT_LEAST_PER_STORE = 10_000;

  private final long total;
  private final int most;
  private final int least;
  private final AtomicInteger open = new AtomicInteger();

  CacheBudget(long total, int mostPerStore, int leastPerStore) {
    if (leastPerStore < 1 || mostPerStore < leastPerStore || total < leastPerStore) {
      throw new IllegalArgumentException("a cache budget needs 1 <= least <= most per store and a total of at least"
          + " the least, was total " + total + ", most " + mostPerStore + ", least " + leastPerStore);
    }
    this.total = total;
    this.most = mostPerStore;
    this.least = leastPerStore;
  }

  /** A worker's default budget. */
  static CacheBudget perWorker() {
    return new CacheBudget(DEFAULT_TOTAL, DEFAULT_MOST_PER_STORE, DEFAULT_LEAST_PER_STORE);
  }

  /** The same share for every store, however many are open (for tests that need a small cache). */
  static CacheBudget fixed(int perStore) {
    return new CacheBudget(Long.MAX_VALUE, perStore, perStore);
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  /** The entries one store keeps now: the total over the stores open, within the least and the most. */
  int share() {
    long each = total / Math.max(1, open.get());
    return (int) Math.max(least, Math.min(most, each));
  }
}
