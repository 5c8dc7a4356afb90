package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.PrefixLimit;
import dev.portcullis.config.store.Versioned;
import dev.portcullis.testkit.Timeouts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * IPv6 rotation on real servers (KRaft, ZooKeeper, Redis, the aggregator and the notifier of the demo
 * stack): an attacker sends 300 requests a second from 2001:db8:7::/48, every request from a fresh
 * address in a random /64, so no address, /64 or /56 is ever near a limit; a global prefix limit of
 * 150 a second per /48 intercepts the whole /48 (a fresh address in it is then refused as an
 * intercept), while a neighbouring /48 rotating the same way at 60 a second is intercepted nowhere.
 * The aggregators commit only every 30 s here: the /48's own window, summed in its home task from the
 * other tasks' shares, has them only after a commit, while the tasks' own shares of it are flushed with
 * the addresses; an intercept within 20 s is expected from those (a commit may still fall inside the 20 s:
 * that the scanner judges the shares is proven by RuleScannerTest). Its reaction time is printed beside a
 * single offender's starting at the same moment (not asserted: numbers come from the harness, BENCHMARKS.md).
 */
class PrefixHierarchyIT {

  @Test
  void aRotationOfFreshAddressesAcrossSlash64sInsideOneSlash48_isInterceptedAtTheSlash48() throws Exception {
    ScheduledExecutorService load = Executors.newScheduledThreadPool(1);
    DemoStack.Options slowCommits = DemoStack.Options.demo().withAggregatorCommit(Duration.ofSeconds(30));
    try (DemoStack stack = new DemoStack(slowCommits, System.out::println).start()) {
      Versioned<GlobalPolicy> g = stack.store().globalPolicy();
      stack.store().setGlobalPolicy(g.value().withPrefixLimits(List.of(new PrefixLimit(true, 48, 150L, null))),
          g.version());
      AclClient shop = stack.client("shop", "shop:1");
      // the pipeline live first (workers assigned): one address over the global default of 20/s
      ScheduledExecutorService warm = Executors.newSingleThreadScheduledExecutor();
      warm.scheduleAtFixedRate(() -> shop.check("192.0.2.1", "GET /"), 0, 20, TimeUnit.MILLISECONDS);
      Timeouts.await("a single offender intercepted: the stack is live", Duration.ofSeconds(90),
          () -> intercepted(shop, "192.0.2.1"));
      warm.shutdownNow();

      AtomicLong sent = new AtomicLong();
      load.scheduleAtFixedRate(() -> {
        for (int i = 0; i < 3; i++) {
          shop.check(fresh("2001:db8:7"), "GET /");
          sent.incrementAndGet();
        }
        if (sent.get() % 5 == 0) {
          shop.check(fresh("2001:db8:9"), "GET /"); // 60 a second
        }
        shop.check("192.0.2.2", "GET /"); // a single offender beside it, 100 a second, for comparison
      }, 0, 10, TimeUnit.MILLISECONDS);

      long start = System.nanoTime();
      long[] single = {0};
      Timeouts.await("a fresh address of the rotating /48 refused as an intercept, before any commit could sum it",
          Duration.ofSeconds(20), () -> {
        if (single[0] == 0 && intercepted(shop, "192.0.2.2")) {
          single[0] = System.nanoTime() - start;
        }
        return intercepted(shop, fresh("2001:db8:7"));
      });
      System.out.printf("the /48 intercepted %d ms after its traffic began (%d requests sent); a single address"
          + " beginning at the same time: %d ms%n", (System.nanoTime() - start) / 1_000_000, sent.get(),
          single[0] / 1_000_000);
      Decision d = shop.check(fresh("2001:db8:7"), "GET /");
      assertThat(d.detail()).as("the intercept is of the /48, by the global prefix limit").contains("2001:db8:7::/48");
      // the neighbour keeps its rate for 5 s more: never intercepted, nor any of its addresses
      Timeouts.holdsFor(Duration.ofSeconds(5), Duration.ofMillis(100), () ->
          assertThat(intercepted(shop, fresh("2001:db8:9"))).as("the neighbouring /48 under the limit").isFalse());
    } finally {
      load.shutdownNow();
    }
  }

  /** A fresh address in {@code net}::/48: a random /64 and a random interface id. */
  private static String fresh(String net) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("%s:%x:%x:%x:%x:%x", net, r.nextInt(65_536), r.nextInt(65_536), r.nextInt(65_536),
        r.nextInt(65_536), 1 + r.nextInt(65_535));
  }

  private static boolean intercepted(AclClient c, String ip) {
    return c.check(ip, "GET /").reason() == Decision.Reason.INTERCEPT;
  }
}
