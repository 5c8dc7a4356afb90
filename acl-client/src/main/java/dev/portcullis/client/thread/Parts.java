package dev.portcullis.client.thread;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The long-lived parts a component started and owns, closed in reverse order of starting: each one
 * even if an earlier close failed (logged). Thread-safe; it is also the monitor a component holds
 * while it starts parts, so that a close waits for a start in progress.
 */
public final class Parts {

  private final Logger log;
  private final List<AutoCloseable> parts = new ArrayList<>(); // guarded by this

  /** @param log where a failed close is reported */
  public Parts(Logger log) {
    this.log = log;
  }

  public synchronized void add(AutoCloseable part) {
    parts.add(part);
  }

  /** Closes every part, last started first, and forgets them. Idempotent; never throws. */
  public synchronized void closeAll() {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} failed; continuing", parts.get(i), e);
      }
    }
    parts.clear();
  }
}
