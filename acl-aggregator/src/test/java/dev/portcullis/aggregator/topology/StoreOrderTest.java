package dev.portcullis.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rewrite's cursor compares keys as the store orders them: by their UTF-8 bytes. */
class StoreOrderTest {

  private static final int[] CODE_POINTS = {'0', '9', 'a', '|', ':', 0xE9, 0x7FF, 0x800, 0xFFFD, 0xE000, 0x1F600, 0x10400};

  @Test
  void compareAsStored_agreesWithTheUtf8ByteOrder_onGeneratedKeysWithCharactersBeyondU_FFFF() {
    Random random = new Random(19);
    for (int i = 0; i < 20_000; i++) {
      String a = key(random);
      String b = random.nextInt(4) == 0 ? a + key(random) : key(random);
      int expected = Integer.signum(Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
      assertThat(Integer.signum(WindowCounter.compareAsStored(a, b))).as("%s vs %s", a, b).isEqualTo(expected);
    }
  }

  @Test
  void compareAsStored_differsFromStringCompareTo_whereUtf16UnitsMisorderCodePoints() {
    String surrogatePair = new String(Character.toChars(0x1F600)); // UTF-16 units D83D DE00
    String privateUse = "\uE000";
    assertThat(surrogatePair.compareTo(privateUse)).as("String order").isNegative();
    assertThat(WindowCounter.compareAsStored(surrogatePair, privateUse)).as("the store's order").isPositive();
  }

  private static String key(Random random) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      b.appendCodePoint(CODE_POINTS[random.nextInt(CODE_POINTS.length)]);
    }
    return b.toString();
  }
}
