package dev.portcullis.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
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
}
