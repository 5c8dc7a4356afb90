package dev.portcullis.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreWalkTest {

  private final SortedMapStore store = new SortedMapStore();
  private final StoreWalk walk = new StoreWalk();

  private List<String> slice(int max) {
    List<String> keys = new ArrayList<>();
    walk.slice(from -> from == null ? store.all() : store.range(from, null), max, kv -> keys.add(kv.key));
    return keys;
  }

  @Test
  void slices_goOnAfterTheLastKeyRead_andStartAgainAtTheFirstAfterTheLast() {
    for (String k : List.of("a", "b", "b\u0000", "c", "d")) {
      store.put(k, new byte[0]);
    }
    assertThat(slice(2)).containsExactly("a", "b");
    walk.advance();
    assertThat(walk.atStart()).isFalse();
    assertThat(slice(2)).containsExactly("b\u0000", "c");
    walk.advance();
    store.put("c1", new byte[0]); // added behind nothing yet read: the next slice reaches it
    assertThat(slice(2)).containsExactly("c1", "d");
    walk.advance();
    assertThat(walk.atStart()).as("the store's last key was read").isTrue();
    assertThat(slice(2)).containsExactly("a", "b");
  }

  @Test
  void aSliceNotAdvancedPast_isReadAgain_andARestartGoesBackToTheFirstKey() {
    for (String k : List.of("a", "b", "c")) {
      store.put(k, new byte[0]);
    }
    slice(1);
    walk.advance();
    assertThat(slice(1)).containsExactly("b");
    assertThat(slice(1)).as("its work failed: read again").containsExactly("b");
    walk.restart();
    assertThat(walk.atStart()).isTrue();
    assertThat(slice(1)).containsExactly("a");
  }
}
