package dev.portcullis.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.IpAddress;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** The soak compares its sampled users' counts with Redis exactly: that needs an address per user. */
class SoakTrafficTest {

  @Test
  void everyOneOfAMillionUsers_hasAnAddressOfItsOwn_in11Slash8() {
    BitSet seen = new BitSet(1 << 24);
    for (int rank = 0; rank < 1_000_000; rank++) {
      IpAddress a = IpAddress.parse(SoakTraffic.user(rank));
      assertThat(a.isV4()).isTrue();
      int low = a.v4Bits() & 0xFFFFFF;
      assertThat(a.v4Bits() >>> 24).as("in 11.0.0.0/8").isEqualTo(11);
      assertThat(seen.get(low)).as("rank %d's address %s is another user's", rank, a).isFalse();
      seen.set(low);
    }
  }
}
