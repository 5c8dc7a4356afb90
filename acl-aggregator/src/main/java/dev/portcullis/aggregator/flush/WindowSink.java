package dev.portcullis.aggregator.flush;

import java.util.Collection;
import java.util.List;

/**
 * Where flushed windows go. {@link #write} either stores every write or throws; writes are
 * absolute values, so repeating a batch after a failure is harmless.
 */
public interface WindowSink extends AutoCloseable {

  /** Writes the batch; returns the number of commands sent. @throws RuntimeException if the target is unreachable */
  int write(List<WindowWrite> batch);

  /**
   * Trims each of {@code keys} (sorted sets) to its {@code keep} highest members; a missing key is left
   * missing. Returns the number of commands sent. @throws RuntimeException if the target is unreachable
   */
  int trim(Collection<String> keys, int keep);

  /**
   * The nodes that take this sink's writes, as it last learned them; a change means they moved (a Redis
   * Cluster failover promoted a replica, which may lack writes its dead master acknowledged), and the
   * aggregator then writes every retained window once more. Constant for a single server.
   */
  String servingNodes();

  /**
   * Told of a window that will never be written: overwritten by a newer window of its key before a flush took
   * it, with the task's bound on windows kept for the next flush reached (each counted in the metric
   * {@code overwrittenLost}). Does nothing by default; a sink that keeps what it was sent (a test's) keeps these
   * too, so that every window short of its records can be matched to one named lost.
   */
  default void lost(WindowWrite window) {}

  @Override
  void close();
}
