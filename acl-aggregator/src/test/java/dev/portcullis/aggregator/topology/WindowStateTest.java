package dev.portcullis.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowStateTest {

  /** The fixed encoding of earlier versions: the slot count, then start, requests, refused of every slot. */
  private static byte[] fixed(WindowState st) {
    ByteBuffer b = ByteBuffer.allocate(1 + st.slots() * 24);
    b.put((byte) st.slots());
    for (int i = 0; i < st.slots(); i++) {
      b.putLong(st.start(i)).putLong(st.count(i)).putLong(st.denied(i));
    }
    return b.array();
  }

  private static void assertSameWindows(WindowState actual, WindowState expected) {
    assertThat(actual.slots()).isEqualTo(expected.slots());
    for (int i = 0; i < expected.slots(); i++) {
      assertThat(actual.start(i)).as("start of slot %d", i).isEqualTo(expected.start(i));
      assertThat(actual.count(i)).as("requests of slot %d", i).isEqualTo(expected.count(i));
      assertThat(actual.denied(i)).as("refused of slot %d", i).isEqualTo(expected.denied(i));
    }
  }

  @Test
  void generatedStates_roundTripThroughTheCompactEncoding_andTheFixedOneOfEarlierVersions() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int run = 0; run < 2_000; run++) {
      WindowState st = new WindowState(4, 3);
      int adds = rnd.nextInt(10);
      long base = rnd.nextBoolean() ? 1_796_563_522L : rnd.nextLong(-1_000, 1_000);
      for (int a = 0; a < adds; a++) {
        long requests = rnd.nextInt(4) == 0 ? rnd.nextLong(Long.MAX_VALUE / 4) : rnd.nextInt(100);
        st.add(rnd.nextInt(2), base + rnd.nextInt(12), requests, rnd.nextInt(3) == 0 ? requests : 0);
      }
      assertSameWindows(new WindowState(4, 3).decode(st.encode()), st);
      assertSameWindows(new WindowState(4, 3).decode(fixed(st)), st);
    }
  }

  @Test
  void aFreshAddress_takesAboutTwentyBytes_notTheFixedEncodingsOneHundredAndSixtyNine() {
    WindowState st = new WindowState(4, 3);
    st.add(0, 1_796_563_522L, 3, 0);
    st.add(1, 29_942_725L, 3, 0);
    assertThat(st.encode()).hasSizeLessThanOrEqualTo(24);
    assertThat(fixed(st)).hasSize(169);
  }

  @Test
  void aStateStoredWithFewerSeconds_isReadIntoALongerRingWithEveryWindowKept_fromEitherEncoding() {
    WindowState old = new WindowState(4, 3);
    for (long sec = 100; sec < 104; sec++) {
      old.add(0, sec, sec - 90, 1);
    }
    old.add(1, 7, 50, 4);
    old.add(1, 8, 9, 0);

    for (byte[] stored : new byte[][] {old.encode(), fixed(old)}) {
      WindowState wider = new WindowState(9, 3).decode(stored);
      assertThat(wider.slots()).isEqualTo(12);
      for (long sec = 100; sec < 104; sec++) {
        int slot = wider.slotOf(0, sec);
        assertThat(wider.start(slot)).isEqualTo(sec);
        assertThat(wider.count(slot)).isEqualTo(sec - 90);
        assertThat(wider.denied(slot)).isEqualTo(1);
      }
      assertThat(wider.count(wider.slotOf(1, 7))).isEqualTo(50);
      assertThat(wider.denied(wider.slotOf(1, 7))).isEqualTo(4);
      assertThat(wider.newest(1)).isEqualTo(8);
      assertThat(wider.add(0, 104, 1, 0)).as("a newer second still fits beside them").isNotEqualTo(WindowState.LATE);
      assertThat(wider.count(wider.slotOf(0, 100))).as("without displacing the oldest").isEqualTo(10);
    }
  }

  @Test
  void bytesThatAreNotAStateOfThisShape_areRefusedWithWhatIsWrong() {
    WindowState st = new WindowState(4, 3);
    st.add(0, 42, 5, 2);
    st.add(1, 1, 5, 2);
    assertThatThrownBy(() -> new WindowState(3).decode(st.encode()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("has 7 slots, expected 3");
    assertThatThrownBy(() -> new WindowState(3).decode(fixed(st)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("has 7 slots, expected 3");
    byte[] compact = st.encode();
    assertThatThrownBy(() -> new WindowState(4, 3).decode(Arrays.copyOf(compact, compact.length - 1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ends inside a slot");
    assertThatThrownBy(() -> new WindowState(4, 3).decode(Arrays.copyOf(compact, compact.length + 2)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("2 bytes after its slots");
    assertThatThrownBy(() -> new WindowState(4, 3).decode(Arrays.copyOf(fixed(st), 30)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not hold the 7 slots");
    assertThatThrownBy(() -> new WindowState(4, 3).decode(new byte[0]))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
    byte[] badSlot = {(byte) 0xC1, 7, 1, 9, 2, 2, 0}; // slot 9 of 7
    assertThatThrownBy(() -> new WindowState(4, 3).decode(badSlot))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("names slot 9");
  }
}
