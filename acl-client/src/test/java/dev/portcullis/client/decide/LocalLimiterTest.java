package dev.portcullis.client.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalLimiterTest {

  private static final long SECOND = 1_700_000_000_000L; // a second boundary

  @Test
  void anAddressIsOverTheLimitFromItsNPlusFirstRequestInACalendarSecond_andFreeInTheNext() {
    LocalLimiter l = new LocalLimiter(3, 1024);
    for (int i = 0; i < 3; i++) {
      assertThat(l.overLimit(42, SECOND + 100 * i)).isFalse();
    }
    assertThat(l.overLimit(42, SECOND + 999)).isTrue();
    assertThat(l.overLimit(7, SECOND + 999)).as("another address has its own count").isFalse();
    assertThat(l.overLimit(42, SECOND + 1000)).as("a new second").isFalse();
  }

  @Test
  void aFloodOfDistinctAddresses_neverGetsAFreshAddressRefused_andUntrackedAddressesAreNotLimited() {
    LocalLimiter l = new LocalLimiter(1, 16);
    for (long a = 0; a < 10_000; a++) {
      assertThat(l.overLimit(a, SECOND)).as("first request of address %d", a).isFalse();
    }
    // every slot is now held this second: a newcomer is not tracked, so not limited (documented: the
    // limiter fails open rather than evict a legitimate address)
    long newcomer = 1_000_000;
    assertThat(l.overLimit(newcomer, SECOND + 1)).isFalse();
    assertThat(l.overLimit(newcomer, SECOND + 2)).isFalse();
    // the next second the slots are free again and the limit applies
    assertThat(l.overLimit(newcomer, SECOND + 1000)).isFalse();
    assertThat(l.overLimit(newcomer, SECOND + 1001)).isTrue();
  }

  @Test
  void concurrentRequestsOfOneAddress_areEachCountedOnce() throws Exception {
    LocalLimiter l = new LocalLimiter(1000, 1024);
    AtomicInteger over = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 500; i++) {
          if (l.overLimit(99, SECOND + 5)) {
            over.incrementAndGet();
          }
        }
      });
      threads[t].start();
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(over.get()).as("2,000 requests, limit 1,000: exactly 1,000 over").isEqualTo(1000);
  }

  @Test
  void badSettingsAreRefusedWithTheirName() {
    assertThatThrownBy(() -> new LocalLimiter(0, 1024)).hasMessageContaining("perSecond must be >= 1, was 0");
    assertThatThrownBy(() -> new LocalLimiter(5, 1000)).hasMessageContaining("slots must be a power of two >= 16, was 1000");
  }
}
