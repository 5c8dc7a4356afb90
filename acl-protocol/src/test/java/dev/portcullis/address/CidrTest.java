package dev.portcullis.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "10.0.0.0/8, 10.0.0.0/8",
    "203.0.113.7, 203.0.113.7/32",
    "0.0.0.0/0, 0.0.0.0/0",
    "2001:db8::/32, 2001:db8::/32",
    "2001:DB8:0::/48, 2001:db8::/48",
    "::/0, ::/0",
    "::1, ::1/128",
    "::ffff:10.0.0.0/104, 10.0.0.0/8",
    "::ffff:192.0.2.1/128, 192.0.2.1/32",
  })
  void parse_acceptsValidBlocks(String text, String canonical) {
    assertThat(Cidr.parse(text)).hasToString(canonical);
    assertThat(Cidr.parse(canonical)).isEqualTo(Cidr.parse(text));
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(delimiter = '|', value = {
    "10.0.0.0/33|prefix length 33 is out of range 0-32",
    "2001:db8::/129|prefix length 129 is out of range 0-128",
    "10.0.0.1/8|host bits are set (did you mean 10.0.0.0/8 or 10.0.0.1/32?)",
    "2001:db8::1/32|host bits are set",
    "10.0.0.0/|prefix length must be 1 to 3 digits",
    "10.0.0.0/x|is not a number",
    "10.0.0.0/-1|is not a number",
    "10.0.0.0/08|leading zero",
    "10.0.0.0/8/8|more than one '/'",
    "999.0.0.0/8|an octet is greater than 255",
    "::ffff:10.0.0.0/64|needs a prefix of at least 96",
  })
  void parse_rejectsMalformedBlocksNamingTheProblem(String text, String expected) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void parseLenient_clearsHostBits() {
    assertThat(Cidr.parseLenient("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    assertThat(Cidr.parseLenient("2001:db8::1/32")).isEqualTo(Cidr.parse("2001:db8::/32"));
  }

  @Test
  void contains_matchesOnlyAddressesInsideTheBlockOfTheSameFamily() {
    Cidr block = Cidr.parse("198.51.100.0/24");
    assertThat(block.contains(IpAddress.parse("198.51.100.0"))).isTrue();
    assertThat(block.contains(IpAddress.parse("198.51.100.255"))).isTrue();
    assertThat(block.contains(IpAddress.parse("198.51.101.0"))).isFalse();
    assertThat(block.contains(IpAddress.parse("::ffff:198.51.100.9"))).isTrue();
    assertThat(Cidr.parse("::/0").contains(IpAddress.parse("10.0.0.1"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains(IpAddress.parse("::1"))).isFalse();
    assertThat(Cidr.parse("2001:db8::/32").contains(Cidr.parse("2001:db8:1::/48"))).isTrue();
    assertThat(Cidr.parse("2001:db8:1::/48").contains(Cidr.parse("2001:db8::/32"))).isFalse();
  }

  @Test
  void compactString_omitsPrefixOnlyForSingleAddresses() {
    assertThat(Cidr.parse("203.0.113.7/32").toCompactString()).isEqualTo("203.0.113.7");
    assertThat(Cidr.parse("203.0.113.0/24").toCompactString()).isEqualTo("203.0.113.0/24");
    assertThat(Cidr.parse("::1").toCompactString()).isEqualTo("::1");
  }

  @Test
  void randomBlocks_roundTripAndContainTheirOwnAddresses() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < 20_000; i++) {
      boolean v6 = rnd.nextBoolean();
      IpAddress a = v6 ? IpAddress.ofV6(rnd.nextLong() | 1L << 62, rnd.nextLong()) : IpAddress.ofV4(rnd.nextInt());
      int prefix = rnd.nextInt(a.bits() + 1);
      Cidr c = Cidr.covering(a, prefix);
      assertThat(Cidr.parse(c.toString())).isEqualTo(c);
      assertThat(c.contains(a)).isTrue();
      assertThat(Cidr.parseLenient(a + "/" + prefix)).isEqualTo(c);
    }
  }
}
