package dev.portcullis.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0.0.0.0, 0.0.0.0",
    "255.255.255.255, 255.255.255.255",
    "203.0.113.7, 203.0.113.7",
    "::, ::",
    "::1, ::1",
    "2001:DB8::1, 2001:db8::1",
    "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    "fe80::, fe80::",
    "::ffff:192.0.2.1, 192.0.2.1",
    "::FFFF:c000:0201, 192.0.2.1",
    "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
    "::192.0.2.1, ::c000:201",
  })
  void parse_acceptsValidFormsAndPrintsCanonically(String text, String canonical) {
    assertThat(IpAddress.parse(text)).hasToString(canonical);
    assertThat(IpAddress.parse(canonical)).isEqualTo(IpAddress.parse(text));
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(delimiter = '|', value = {
    "999.1.1.1|is not an IPv4 address: an octet is greater than 255",
    "256.0.0.1|an octet is greater than 255",
    "1.2.3|four decimal octets",
    "1.2.3.4.5|four decimal octets",
    "1.2.3.|four decimal octets",
    ".1.2.3|four decimal octets",
    "1..2.3|four decimal octets",
    "01.2.3.4|leading zero",
    "1.2.3.4a|not a digit or a dot",
    "1.2.3.-4|not a digit or a dot",
    "' 1.2.3.4'|not a digit or a dot",
    "1234.1.1.1|an octet is greater than 255",
    "1:2:3:4:5:6:7|has 7 groups, not 8",
    "1:2:3:4:5:6:7:8:9|more than 8 groups",
    "1::2::3|'::' appears more than once",
    ":1:2:3:4:5:6:7|starts with a single ':'",
    "1:2:3:4:5:6:7:|ends with a single ':'",
    "12345::|more than 4 hex digits",
    "g::1|'g' is not a hex digit",
    "fe80::1%eth0|'%' is not a hex digit",
    "[::1]|'[' is not a hex digit",
    "1:2:3:4:5:6:7::8|'::' stands for no group",
    "::ffff:999.0.0.1|embedded IPv4 part is invalid",
    "1:2:3:4:5:6:7:1.2.3.4|too many groups",
    "١.٢.٣.٤|not a digit or a dot",
  })
  void parse_rejectsMalformedTextNamingTheProblem(String text, String expected) {
    assertThatThrownBy(() -> IpAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"")
        .hasMessageContaining(expected);
    assertThat(IpAddress.tryParse(text)).isNull();
  }

  @Test
  void parse_rejectsEmptyAndNull() {
    assertThatThrownBy(() -> IpAddress.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> IpAddress.parse(null)).hasMessageContaining("null");
  }

  @Test
  void ipv4MappedIpv6_isTheSameAddressAsIpv4() {
    assertThat(IpAddress.parse("::ffff:10.1.2.3")).isEqualTo(IpAddress.parse("10.1.2.3"));
    assertThat(IpAddress.parse("::ffff:10.1.2.3").isV4()).isTrue();
  }

  @Test
  void randomIpv4_roundTripsAndAgreesWithInetAddress() throws Exception {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      int bits = rnd.nextInt();
      IpAddress a = IpAddress.ofV4(bits);
      String text = a.toString();
      assertThat(IpAddress.parse(text)).isEqualTo(a);
      assertThat(ByteBuffer.wrap(InetAddress.getByName(text).getAddress()).getInt()).isEqualTo(bits);
    }
  }

  @Test
  void randomIpv6_roundTripsInEveryTextFormAndAgreesWithInetAddress() throws Exception {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      long hi = rnd.nextLong();
      long lo = rnd.nextLong();
      // zero out random groups so that compression is exercised
      for (int g = 0; g < 8; g++) {
        if (rnd.nextInt(3) == 0) {
          if (g < 4) {
            hi &= ~(0xFFFFL << (48 - 16 * g));
          } else {
            lo &= ~(0xFFFFL << (48 - 16 * (g - 4)));
          }
        }
      }
      IpAddress a = IpAddress.ofV6(hi, lo);
      String canonical = a.toString();
      assertThat(IpAddress.parse(canonical)).isEqualTo(a);
      String full = fullForm(hi, lo);
      assertThat(IpAddress.parse(full)).isEqualTo(a);
      assertThat(IpAddress.parse(full.toUpperCase(Locale.ROOT))).isEqualTo(a);
      if (a.isV6()) {
        byte[] b = InetAddress.getByName(canonical).getAddress();
        ByteBuffer buf = ByteBuffer.wrap(b);
        assertThat(buf.getLong()).isEqualTo(hi);
        assertThat(buf.getLong()).isEqualTo(lo);
        assertThat(canonical).doesNotContain(":::").matches("[0-9a-f:]+").doesNotContainPattern("(^|:)0[0-9a-f]");
      }
    }
  }

  @Test
  void randomGarbage_neverThrowsFromTryParse() {
    SplittableRandom rnd = new SplittableRandom(3);
    String alphabet = "0123456789abcdefABCDEF:.%/[] -gx";
    for (int i = 0; i < 50_000; i++) {
      int len = rnd.nextInt(0, 46);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < len; k++) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      IpAddress a = IpAddress.tryParse(sb);
      if (a != null) {
        assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
      }
    }
  }

  @Test
  void mask_clearsHostBits() {
    assertThat(IpAddress.parse("10.1.2.3").mask(24)).isEqualTo(IpAddress.parse("10.1.2.0"));
    assertThat(IpAddress.parse("10.1.2.3").mask(0)).isEqualTo(IpAddress.parse("0.0.0.0"));
    assertThat(IpAddress.parse("2001:db8:1:2:3:4:5:6").mask(64)).isEqualTo(IpAddress.parse("2001:db8:1:2::"));
    assertThat(IpAddress.parse("2001:db8:1:2:3:4:5:6").mask(80)).isEqualTo(IpAddress.parse("2001:db8:1:2:3::"));
    assertThat(IpAddress.parse("2001:db8:1:2:3:4:5:6").mask(128)).isEqualTo(IpAddress.parse("2001:db8:1:2:3:4:5:6"));
    assertThatThrownBy(() -> IpAddress.parse("10.0.0.1").mask(33)).hasMessageContaining("between 0 and 32");
  }

  private static String fullForm(long hi, long lo) {
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < 8; g++) {
      long word = g < 4 ? hi >>> (48 - 16 * g) : lo >>> (48 - 16 * (g - 4));
      if (g > 0) {
        sb.append(':');
      }
      sb.append(String.format("%04x", word & 0xFFFF));
    }
    return sb.toString();
  }
}
