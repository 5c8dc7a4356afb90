package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.LimitEntry;
import dev.portcullis.config.store.Versioned;
import dev.portcullis.testkit.Timeouts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A limit for one address in every app, on real servers: 10 requests a second from it in three apps,
 * over its global limit of 5 but under the global default of 20. The apps without limits of their own
 * intercept it; the app with its own higher limit for it does not; a neighbour at the same rate is
 * intercepted nowhere.
 */
class GlobalLimitsIT {

  private static final String LIMITED = "203.0.113.50";
  private static final String NEIGHBOUR = "203.0.113.51";

  @Test
  void anAddressOverAGlobalLimit_isInterceptedInEveryApp_butAnAppLimitForItWinsInThatApp() throws Exception {
    ScheduledExecutorService load = Executors.newScheduledThreadPool(1);
    try (DemoStack stack = new DemoStack(DemoStack.Options.demo(), System.out::println).start()) {
      stack.store().setLimit(null, new LimitEntry(Cidr.parse(LIMITED + "/32"), 5L, null));
      stack.store().setAppPolicy("news", AppPolicy.DEFAULT, Versioned.ABSENT);
      stack.store().setAppPolicy("blog", AppPolicy.DEFAULT, Versioned.ABSENT);
      stack.store().setLimit("blog", new LimitEntry(Cidr.parse(LIMITED + "/32"), 100L, null));
      AclClient shop = stack.client("shop", "shop:1");
      AclClient news = stack.client("news", "news:1");
      AclClient blog = stack.client("blog", "blog:1");
      List<AclClient> all = List.of(shop, news, blog);
      load.scheduleAtFixedRate(() -> all.forEach(c -> {
        c.check(LIMITED, "GET /");
        c.check(NEIGHBOUR, "GET /");
      }), 0, 100, TimeUnit.MILLISECONDS);

      Timeouts.await("the limited address intercepted in shop and news", Duration.ofSeconds(60),
          () -> intercepted(shop, LIMITED) && intercepted(news, LIMITED));
      Decision d = shop.check(LIMITED, "GET /");
      assertThat(d.detail()).as("the evidence names the global entry").contains("(global " + LIMITED + "/32)");
      // blog judges the same traffic by its own limit of 100/s for the address: 10 s more without an intercept
      Timeouts.holdsFor(Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
        assertThat(intercepted(blog, LIMITED)).as("blog's own limit for the address wins").isFalse();
        for (AclClient c : all) {
          assertThat(intercepted(c, NEIGHBOUR)).as("the neighbour, under the global default, in " + c.app()).isFalse();
        }
      });
    } finally {
      load.shutdownNow();
    }
  }

  /** Whether {@code c} refuses {@code ip} because of an intercept (not a probe: it would count as traffic). */
  private static boolean intercepted(AclClient c, String ip) {
    Decision d = c.check(ip, "GET /");
    return d.reason() == Decision.Reason.INTERCEPT;
  }
}
