package dev.portcullis.benchmarks;

import dev.portcullis.client.decide.CompiledRules;
import dev.portcullis.config.ConfigSnapshot;

/**
 * Heap used by a client's compiled lists for 1,000,000 deny entries (half exact IPv4, a quarter
 * IPv4 /24, a quarter IPv6 /64): the snapshot (what the config watcher keeps) and the compiled
 * range tables (what {@code check} reads), measured as used heap after full GCs.
 *
 * <p>Run: {@code java -Xmx2g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * dev.portcullis.benchmarks.MemoryFootprint}
 */
public final class MemoryFootprint {

  private MemoryFootprint() {}

  /** Used heap after full collections: what is retained. */
  static long used() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Workload w = new Workload(entries, false, 42);
    long base = used();
    ConfigSnapshot snapshot = w.snapshot();
    long withSnapshot = used();
    long t0 = System.nanoTime();
    CompiledRules rules = CompiledRules.compile("shop", snapshot);
    long compileMs = (System.nanoTime() - t0) / 1_000_000;
    long withRules = used();
    System.out.printf("%d entries: snapshot %.1f MB, compiled range tables %.1f MB (compiled in %d ms)%n", entries,
        (withSnapshot - base) / 1e6, (withRules - withSnapshot) / 1e6, compileMs);
    if (rules.rules().deny().size() != snapshot.globalDeny().size()) {
      throw new AssertionError("compiled " + rules.rules().deny().size() + " of " + snapshot.globalDeny().size());
    }
  }
}
