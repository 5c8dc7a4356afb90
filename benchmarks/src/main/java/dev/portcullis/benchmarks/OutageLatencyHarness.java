package dev.portcullis.benchmarks;

import dev.portcullis.client.AclClient;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a Kafka outage costs the request thread: a full {@link AclClient} (emitter, notice subscriber)
 * against a real in-JVM KRaft broker on loopback, one request thread calling {@code check} at a paced
 * rate, each call timed on its own, in three phases: Kafka up, Kafka stopped, Kafka restarted. Per
 * phase: call latency percentiles (raw: they include about 20 ns of {@code System.nanoTime} pairs),
 * accesses sent and dropped, and the heap in use after a full GC.
 *
 * <p>Run: {@code java -Xmx1g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * dev.portcullis.benchmarks.OutageLatencyHarness [seconds per phase, default 15] [requests/s, default 100000]}
 */
public final class OutageLatencyHarness {

  private static final int DISTINCT = 50_000;

  private OutageLatencyHarness() {}

  /** Latency counts, 1 ns buckets below 100 µs, and the slower calls apart. */
  private static final class Histogram {
    private final long[] counts = new long[100_000];
    private long over;
    private long max;
    private long n;
    private long sum;

    void record(long nanos) {
      n++;
      sum += nanos;
      max = Math.max(max, nanos);
      if (nanos < counts.length) {
        counts[(int) nanos]++;
      } else {
        over++;
      }
    }

    long percentile(double p) {
      long rank = (long) Math.ceil(p / 100 * n);
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return i;
        }
      }
      return max; // in the slow tail
    }

    String summary() {
      return String.format("calls=%d mean=%.0f p50=%d p99=%d p99.9=%d p99.99=%d max=%d ns (>=100us: %d)", n,
          (double) sum / Math.max(1, n), percentile(50), percentile(99), percentile(99.9), percentile(99.99), max, over);
    }
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    SplittableRandom rnd = new SplittableRandom(7);
    String[] addresses = new String[DISTINCT];
    for (int i = 0; i < DISTINCT; i++) {
      int a = rnd.nextInt();
      addresses[i] = ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }
    System.out.printf("outage harness: %d s per phase, %d requests/s on one thread, %d distinct addresses%n",
        seconds, rate, DISTINCT);
    try (KRaftBroker kafka = KRaftBroker.start()) {
      Topics.create(kafka.bootstrapServers(), "acl.access", 3, false);
      Topics.create(kafka.bootstrapServers(), "acl.notices", 1, true);
      try (AclClient client = AclClient.builder("shop").node("harness:1").kafka(kafka.bootstrapServers()).build()) {
        client.start();
        run(client, addresses, 5, rate, "warm-up");
        run(client, addresses, seconds, rate, "Kafka up");
        kafka.stop();
        run(client, addresses, seconds, rate, "Kafka stopped");
        kafka.restart();
        run(client, addresses, seconds, rate, "Kafka restarted");
      }
    }
  }

  private static void run(AclClient client, String[] addresses, int seconds, int rate, String phase) {
    AclClient.Status before = client.status();
    Histogram h = new Histogram();
    long batch = 1000;
    long periodNanos = TimeUnit.SECONDS.toNanos(1) * batch / rate;
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    long next = start;
    int i = 0;
    long sink = 0;
    while (System.nanoTime() < end) {
      for (int k = 0; k < batch; k++) {
        String ip = addresses[i++ % addresses.length];
        long t0 = System.nanoTime();
        sink += client.check(ip, "GET /items").outcome().ordinal();
        h.record(System.nanoTime() - t0);
      }
      next += periodNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
    AclClient.Status after = client.status();
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heapMb = mem.getHeapMemoryUsage().getUsed() / (1024 * 1024);
    System.out.printf("%-16s %s%n%-16s sent %d, dropped %d, heap after GC %d MB%s%n", phase, h.summary(), "",
        after.sentRequests() - before.sentRequests(), after.droppedAccesses() - before.droppedAccesses(), heapMb,
        sink == Long.MIN_VALUE ? "!" : "");
    // let the emitter settle between phases, as a pause in traffic would
    LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
  }
}
