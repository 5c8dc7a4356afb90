package dev.portcullis.aggregator.flush;

import java.util.List;

/**
 * Where flushed windows go. {@link #write} either stores every write or throws; writes are
 * absolute values, so repeating a batch after a failure is harmless.
 */
public interface WindowSink extends AutoCloseable {

  /** Writes the batch; returns the number of commands sent. @throws RuntimeException if the target is unreachable */
  int write(List<WindowWrite> batch);

  @Override
  void close();
}
