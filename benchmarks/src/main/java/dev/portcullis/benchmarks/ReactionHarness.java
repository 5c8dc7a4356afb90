package dev.portcullis.benchmarks;

import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.config.Ladder;
import dev.portcullis.app.DemoStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end reaction time with default settings (100 ms slices, 250 ms flushes, 250 ms scans):
 * the whole stack on this machine, 3 clients; each trial sends a new address at 120 req/s spread
 * over the clients and measures from the start of its first over-limit second (its first request:
 * the limit is exceeded within that second) to the moment every client denies it.
 *
 * <p>Run: {@code java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * dev.portcullis.benchmarks.ReactionHarness [trials]}
 */
public final class ReactionHarness {

  private ReactionHarness() {}

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    DemoStack.Options o = new DemoStack.Options(50, new Ladder(List.of(Duration.ofMinutes(1)), false), Duration.ofHours(1),
        1_000_000, 1, "bench", false);
    ScheduledExecutorService load = Executors.newScheduledThreadPool(1);
    try (DemoStack stack = new DemoStack(o, s -> { }).start()) {
      List<AclClient> clients = List.of(stack.client("shop", "a:1"), stack.client("shop", "b:1"), stack.client("shop", "c:1"));
      Thread.sleep(5000);
      List<Long> reactions = new ArrayList<>();
      for (int t = 0; t < trials; t++) {
        String ip = "203.0.113." + (t + 1);
        long start = System.nanoTime();
        ScheduledFuture<?> f = load.scheduleAtFixedRate(() -> {
          for (AclClient c : clients) {
            for (int i = 0; i < 4; i++) {
              c.check(ip, "GET /");
            }
          }
        }, 0, 100, TimeUnit.MILLISECONDS);
        long deadline = start + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline
            && !clients.stream().allMatch(c -> c.check(ip, "GET /").reason() == Decision.Reason.INTERCEPT)) {
          Thread.sleep(5);
        }
        f.cancel(false);
        long ms = (System.nanoTime() - start) / 1_000_000;
        reactions.add(ms);
        System.out.printf("trial %2d: %s denied on all 3 clients after %d ms%n", t + 1, ip, ms);
        Thread.sleep(1200);
      }
      System.out.println("reaction time: " + Stats.summary(reactions, " ms"));
    } finally {
      load.shutdownNow();
    }
  }
}
