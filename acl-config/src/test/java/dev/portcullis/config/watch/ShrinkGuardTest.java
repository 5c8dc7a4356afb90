package dev.portcullis.config.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShrinkGuardTest {

  private static final String ROOT = "/portcullis";
  private static final long NOW = 1_000_000;

  private static ConfigSnapshot deny(int n, Long expiresAt) {
    List<ListEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(new ListEntry(Cidr.of(IpAddress.ofV4(0x0A000000 + i)), expiresAt, "", "t", 1));
    }
    return new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(), entries, Map.of(), 1);
  }

  private static List<ConfigTreeReader.Node> tree(String... paths) {
    List<ConfigTreeReader.Node> nodes = new ArrayList<>();
    for (String p : paths) {
      String[] kv = p.split("=", 2);
      nodes.add(new ConfigTreeReader.Node(kv[0], kv.length > 1 ? kv[1].getBytes(StandardCharsets.US_ASCII) : new byte[0], 1));
    }
    return nodes;
  }

  @Test
  void nothingInForce_anythingIsTaken() {
    assertThat(ShrinkGuard.refusal(ShrinkGuard.size(ConfigSnapshot.EMPTY, NOW), ConfigSnapshot.EMPTY, tree(), ROOT, NOW)).isNull();
  }

  @Test
  void aVanishedRoot_isHeld() {
    assertThat(ShrinkGuard.refusal(ShrinkGuard.size(deny(5, null), NOW), ConfigSnapshot.EMPTY, tree(), ROOT, NOW)).contains("does not exist");
  }

  @Test
  void removingMostRulesAtOnce_isHeldUntilConfirmedWithTheNewSize() {
    assertThat(ShrinkGuard.refusal(ShrinkGuard.size(deny(20, null), NOW), deny(9, null), tree(ROOT), ROOT, NOW)).contains("removes 11 of 20");
    assertThat(ShrinkGuard.refusal(ShrinkGuard.size(deny(20, null), NOW), deny(9, null), tree(ROOT, ROOT + "/confirm=8"), ROOT, NOW))
        .as("a confirmation of another size").isNotNull();
    assertThat(ShrinkGuard.refusal(ShrinkGuard.size(deny(20, null), NOW), deny(9, null), tree(ROOT, ROOT + "/confirm= 9\n"), ROOT, NOW)).isNull();
  }

  @Test
  void smallOrPartialRemovals_areTaken() {
    assertThat(ShrinkGuard.refusal(ShrinkGuard.size(deny(20, null), NOW), deny(11, null), tree(ROOT), ROOT, NOW)).as("9 of 20").isNull();
    assertThat(ShrinkGuard.refusal(ShrinkGuard.size(deny(12, null), NOW), deny(3, null), tree(ROOT), ROOT, NOW)).as("fewer than 10").isNull();
  }

  @Test
  void expiredEntries_doNotCountAsRulesInForce() {
    assertThat(ShrinkGuard.refusal(ShrinkGuard.size(deny(100, NOW - 1), NOW), ConfigSnapshot.EMPTY, tree(ROOT), ROOT, NOW))
        .as("the janitor removing 100 expired entries").isNull();
  }
}
