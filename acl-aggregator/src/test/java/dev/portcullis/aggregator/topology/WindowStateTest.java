package dev.portcullis.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WindowStateTest {

  @Test
  void aStateStoredWithFewerSeconds_isReadIntoALongerRingWithEveryWindowKept() {
    WindowState old = new WindowState(4, 3);
    for (long sec = 100; sec < 104; sec++) {
      old.add(0, sec, sec - 90, 1);
    }
    old.add(1, 7, 50, 4);
    old.add(1, 8, 9, 0);

    WindowState wider = new WindowState(9, 3).decode(old.encode());

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

  @Test
  void aStateOfTheSameShape_roundTrips_andAnotherMinuteRingIsRefusedWithItsShape() {
    WindowState st = new WindowState(4, 3);
    st.add(0, 42, 5, 2);
    WindowState back = new WindowState(4, 3).decode(st.encode());
    assertThat(back.count(back.slotOf(0, 42))).isEqualTo(5);
    assertThat(back.denied(back.slotOf(0, 42))).isEqualTo(2);

    assertThatThrownBy(() -> new WindowState(3).decode(st.encode()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("has 7 slots, expected 3");
    byte[] truncated = java.util.Arrays.copyOf(st.encode(), 30);
    assertThatThrownBy(() -> new WindowState(4, 3).decode(truncated))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not hold the 7 slots");
  }
}
