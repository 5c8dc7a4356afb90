package dev.portcullis.benchmarks;

import dev.portcullis.client.decide.CompiledRules;
import dev.portcullis.client.decide.DecisionEngine;
import dev.portcullis.client.decide.UnparseableAddressPolicy;
import dev.portcullis.client.emit.AccessRing;
import dev.portcullis.client.time.CoarseClock;
import java.util.concurrent.locks.LockSupport;

/**
 * The request-path engines the benchmarks measure, over one workload's rules: one that only decides,
 * and one that also records each access into a ring, drained by a background thread as the client's
 * emitter would (the drained accesses are dropped). {@link #close()} stops the drainer.
 */
final class Engines implements AutoCloseable {

  final DecisionEngine deciding;
  final DecisionEngine recording;
  private final AccessRing ring = new AccessRing(1 << 16);
  private final Thread drainer;
  private volatile boolean draining = true;

  Engines(Workload w) {
    CoarseClock clock = new CoarseClock(System.currentTimeMillis());
    CompiledRules rules = CompiledRules.compile("shop", w.snapshot());
    deciding = new DecisionEngine("shop", clock, null, null, UnparseableAddressPolicy.BY_MODE);
    deciding.rules(rules);
    recording = new DecisionEngine("shop", clock, ring, null, UnparseableAddressPolicy.BY_MODE);
    recording.rules(rules);
    drainer = new Thread(() -> {
      while (draining) {
        if (ring.drain((v4, hi, lo, iface, caller, denied, at) -> { }, 4096) == 0) {
          LockSupport.parkNanos(100_000);
        }
      }
    }, "drainer");
    drainer.setDaemon(true);
    drainer.start();
  }

  @Override
  public void close() throws InterruptedException {
    draining = false;
    drainer.join();
  }
}
