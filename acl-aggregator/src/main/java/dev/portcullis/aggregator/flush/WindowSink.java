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

  @Override
  void close();
}
