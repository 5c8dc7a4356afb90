package dev.portcullis.client.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccessRingTest {

  @Test
  void offer_returnsFalseAndCountsWhenFull() {
    AccessRing ring = new AccessRing(4, 1);
    for (int i = 0; i < 4; i++) {
      assertThat(ring.offer(i, 0, 0, "i", null, false, 0L)).isTrue();
    }
    assertThat(ring.offer(9, 0, 0, "i", null, false, 0L)).isFalse();
    assertThat(ring.dropped()).isEqualTo(1);
    AtomicLong sum = new AtomicLong();
    assertThat(ring.drain((v4, hi, lo, iface, caller, denied, at) -> sum.addAndGet(v4), 100)).isEqualTo(4);
    assertThat(sum.get()).isEqualTo(0 + 1 + 2 + 3);
    assertThat(ring.offer(5, 0, 0, "i", null, false, 0L)).as("space again after a drain").isTrue();
  }

  @Test
  void stripes_aThreadWhoseStripeIsFullSpillsIntoTheOthers_andDropsOnlyWhenAllAreFull() throws Exception {
    AccessRing ring = new AccessRing(8, 4); // 2 slots a stripe
    for (int i = 0; i < 8; i++) {
      assertThat(ring.offer(i, 0, 0, "i", null, false, 0L)).as("offer %d: its own stripe, then the others", i).isTrue();
    }
    assertThat(ring.offer(8, 0, 0, "i", null, false, 0L)).as("every stripe full").isFalse();
    Thread other = new Thread(() -> ring.offer(100, 0, 0, "i", null, false, 0L));
    other.start();
    other.join();
    assertThat(ring.dropped()).isEqualTo(2);
    AtomicLong sum = new AtomicLong();
    AtomicLong drained = new AtomicLong();
    int n;
    while ((n = ring.drain((v4, hi, lo, iface, caller, denied, at) -> {
      sum.addAndGet(v4);
      drained.incrementAndGet();
    }, 3)) > 0) {
      assertThat(n).isLessThanOrEqualTo(3);
    }
    assertThat(drained.get()).as("the drain visits every stripe").isEqualTo(8);
    assertThat(sum.get()).isEqualTo(0 + 1 + 2 + 3 + 4 + 5 + 6 + 7);
    assertThat(ring.size()).isZero();
  }

  @Test
  void aThreadThatFoundEveryStripeFull_dropsWithoutLookingAgainUntilSomethingIsDrained() {
    AccessRing ring = new AccessRing(8, 4); // 2 slots a stripe
    for (int i = 0; i < 8; i++) {
      ring.offer(i, 0, 0, "i", null, false, 0L);
    }
    assertThat(ring.offer(8, 0, 0, "i", null, false, 0L)).isFalse();
    assertThat(ring.offer(9, 0, 0, "i", null, false, 0L)).isFalse();
    assertThat(ring.dropped()).isEqualTo(2);
    // one slot freed in some stripe: the next offer looks again and finds it
    assertThat(ring.drain((v4, hi, lo, iface, caller, denied, at) -> { }, 1)).isEqualTo(1);
    assertThat(ring.offer(10, 0, 0, "i", null, false, 0L)).as("after a drain the thread looks at every stripe again").isTrue();
    assertThat(ring.offer(11, 0, 0, "i", null, false, 0L)).isFalse();
    assertThat(ring.dropped()).isEqualTo(3);
  }

  @Test
  void aRefusingRing_dropsAndCountsEveryOfferWithoutStoringIt_untilItAcceptsAgain() throws Exception {
    AccessRing ring = new AccessRing(1 << 14);
    ring.refuse(true);
    Thread other = new Thread(() -> {
      for (int i = 0; i < 1000; i++) {
        ring.offer(i, 0, 0, "i", null, false, 0L);
      }
    });
    other.start();
    for (int i = 0; i < 500; i++) {
      assertThat(ring.offer(i, 0, 0, "i", null, false, 0L)).isFalse();
    }
    other.join();
    assertThat(ring.dropped()).as("counted by each thread, summed").isEqualTo(1500);
    assertThat(ring.size()).isZero();
    ring.refuse(false);
    assertThat(ring.offer(1, 0, 0, "i", null, false, 0L)).isTrue();
    assertThat(ring.size()).isEqualTo(1);
  }

  @Test
  void defaultStriping_keepsSmallRingsWhole_andOneThreadCanUseTheWholeOfALargeOne() {
    AccessRing small = new AccessRing(1024);
    for (int i = 0; i < 1024; i++) {
      assertThat(small.offer(i, 0, 0, "i", null, false, 0L)).as("one thread may fill a small ring alone").isTrue();
    }
    assertThat(small.offer(0, 0, 0, "i", null, false, 0L)).isFalse();
    AccessRing large = new AccessRing(1 << 16); // 4 stripes of 16,384
    int accepted = 0;
    while (large.offer(accepted, 0, 0, "i", null, false, 0L)) {
      accepted++;
    }
    assertThat(accepted).as("one thread fills its stripe, then spills into the other three").isEqualTo(1 << 16);
  }

  @Test
  void stripesThatDoNotDivideTheCapacity_areRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AccessRing(4, 4))
        .hasMessageContaining("stripes must be a power of two leaving >= 2 slots each");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AccessRing(16, 3)).hasMessageContaining("stripes");
  }

  @Test
  void concurrentProducers_everyAcceptedOfferIsDrainedExactlyOnce() throws Exception {
    AccessRing ring = new AccessRing(1024);
    int threads = 4;
    int perThread = 200_000;
    AtomicLong accepted = new AtomicLong();
    AtomicLong acceptedSum = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    Thread[] producers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      final long base = t * 1_000_000L;
      producers[t] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          if (ring.offer(base + i, 0, 0, "i", null, false, 0L)) {
            accepted.incrementAndGet();
            acceptedSum.addAndGet(base + i);
          }
        }
      });
      producers[t].start();
    }
    AtomicLong drained = new AtomicLong();
    AtomicLong drainedSum = new AtomicLong();
    start.countDown();
    boolean running = true;
    while (running) {
      running = false;
      for (Thread p : producers) {
        running |= p.isAlive();
      }
      ring.drain((v4, hi, lo, iface, caller, denied, at) -> {
        drained.incrementAndGet();
        drainedSum.addAndGet(v4);
      }, 512);
    }
    while (ring.drain((v4, hi, lo, iface, caller, denied, at) -> {
      drained.incrementAndGet();
      drainedSum.addAndGet(v4);
    }, 512) > 0) {
      // drain the rest
    }
    assertThat(drained.get()).isEqualTo(accepted.get());
    assertThat(drainedSum.get()).isEqualTo(acceptedSum.get());
    assertThat(accepted.get() + ring.dropped()).isEqualTo((long) threads * perThread);
  }
}
