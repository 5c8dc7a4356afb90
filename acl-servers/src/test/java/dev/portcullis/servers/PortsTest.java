package dev.portcullis.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void portsAskedForTogetherAreDistinct_andFreeOnceReturned() {
    for (int round = 0; round < 20; round++) {
      int[] ports = Ports.freeLoopbackPorts(12);
      assertThat(Arrays.stream(ports).distinct().count()).as("distinct of %s", Arrays.toString(ports)).isEqualTo(12);
      assertThat(Arrays.stream(ports).filter(Ports::isOpen).boxed().toList()).as("ports still held").isEmpty();
    }
  }

  @Test
  void oneProcessNeverHandsOutAPortTwice_norOneOfTheSystemsEphemeralRange() {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      int port = Ports.freeLoopbackPort();
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
      assertThat(port).isBetween(Ports.FIRST, Ports.LAST).isLessThan(32_768);
    }
  }

  @Test
  void aRedisClusterNodesPort_andItsBusPort_areBothBelowTheEphemeralRange_andOutsideTheOtherPorts() {
    for (int i = 0; i < 200; i++) {
      int port = Ports.freeLoopbackPortWithBus();
      assertThat(port).isBetween(Ports.FIRST_WITH_BUS, Ports.LAST_WITH_BUS);
      assertThat(port + Ports.BUS_OFFSET).isLessThan(Ports.FIRST).isLessThan(32_768);
    }
  }

  @Test
  void aPortSomethingListensOn_isSkipped() throws Exception {
    int next = Ports.freeLoopbackPort() + 1; // the cursor's next port, unless it wraps or that one is busy
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), next));
      for (int i = 0; i < 5; i++) {
        assertThat(Ports.freeLoopbackPort()).isNotEqualTo(next);
      }
    }
  }
}
