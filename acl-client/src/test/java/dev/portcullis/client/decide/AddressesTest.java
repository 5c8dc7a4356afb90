package dev.portcullis.client.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.IpAddress;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hot-path parser agrees exactly with the strict {@link IpAddress} parser. */
class AddressesTest {

  private static void assertAgrees(String text) {
    assertAgrees(text, text);
  }

  /** {@code text} parses as the strict parser parses {@code strictText} (which may lack brackets). */
  private static void assertAgrees(String text, String strictText) {
    long[] v6 = new long[2];
    long r = Addresses.parse(text, v6);
    IpAddress reference = IpAddress.tryParse(strictText);
    if (!strictText.equals(text) && strictText.indexOf(':') < 0) {
      reference = null; // a bracketed dotted quad is not an address
    }
    if (reference == null) {
      assertThat(r).as("\"%s\" must not parse", text).isEqualTo(Addresses.NOT_V4);
    } else if (reference.isV4()) {
      assertThat(r).as("\"%s\"", text).isEqualTo(reference.low());
    } else {
      assertThat(r).as("\"%s\"", text).isEqualTo(Addresses.IS_V6);
      assertThat(v6).as("\"%s\"", text).containsExactly(reference.high(), reference.low());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.2.3.4", "0.0.0.0", "255.255.255.255", "::", "::1", "1::", "1:2:3:4:5:6:7::",
      "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", "2001:db8::1", "::ffff:10.1.2.3", "64:ff9b::192.0.2.33",
      "1:2:3:4:5:6:1.2.3.4", "fe80::1:2", "", "1.2.3", "01.2.3.4", "256.1.1.1", "1.2.3.4.", "1:2:3:4:5:6:7:8:9",
      "1::2::3", ":1::", "1:::2", "12345::", "::ffff:1.2.3", "1.2.3.4:80", "g::", "1:2:3:4:5:6:7:8::",
      "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:1.2.3.4"})
  void parse_agreesWithTheStrictParser(String text) {
    assertAgrees(text);
  }

  @Test
  void parse_acceptsBracketedIpv6AndRejectsBracketedIpv4() {
    long[] v6 = new long[2];
    assertThat(Addresses.parse("[2001:db8::1]", v6)).isEqualTo(Addresses.IS_V6);
    assertThat(v6).containsExactly(0x20010db800000000L, 1L);
    assertThat(Addresses.parse("[1.2.3.4]", v6)).isEqualTo(Addresses.NOT_V4);
    assertThat(Addresses.parse(null, v6)).isEqualTo(Addresses.NOT_V4);
  }

  @Test
  void randomAddressesInEveryTextForm_agreeWithTheStrictParser() {
    SplittableRandom rnd = new SplittableRandom(99);
    for (int i = 0; i < 30_000; i++) {
      long hi = rnd.nextLong();
      long lo = rnd.nextLong();
      for (int g = 0; g < 8; g++) {
        if (rnd.nextInt(3) == 0) {
          if (g < 4) {
            hi &= ~(0xFFFFL << (48 - 16 * g));
          } else {
            lo &= ~(0xFFFFL << (48 - 16 * (g - 4)));
          }
        }
      }
      IpAddress a = rnd.nextBoolean() ? IpAddress.ofV4(rnd.nextInt()) : IpAddress.ofV6(hi, lo);
      assertAgrees(a.toString());
      assertAgrees(a.toString().toUpperCase(Locale.ROOT));
    }
  }

  @Test
  void randomDigitsAndDots_agreeWithTheStrictParser() {
    SplittableRandom rnd = new SplittableRandom(7);
    int valid = 0;
    for (int i = 0; i < 300_000; i++) {
      // 3 to 5 groups of 0 to 4 digits: mostly near-misses of a dotted quad, many of them valid; a few
      // with one character that is neither a digit nor a dot
      int groups = rnd.nextInt(3, 6);
      StringBuilder sb = new StringBuilder();
      for (int g = 0; g < groups; g++) {
        if (g > 0) {
          sb.append('.');
        }
        int digits = rnd.nextInt(0, 5);
        for (int k = 0; k < digits; k++) {
          sb.append((char) ('0' + rnd.nextInt(k == 0 && rnd.nextInt(4) == 0 ? 3 : 10)));
        }
      }
      if (rnd.nextInt(50) == 0 && sb.length() > 0) {
        // a wide character whose low byte is a digit or a dot (U+0130, U+012E), or another character
        sb.setCharAt(rnd.nextInt(sb.length()), "\u0130\u012e\u0139/:a ".charAt(rnd.nextInt(7)));
      }
      assertAgrees(sb.toString());
      assertAgrees("::ffff:" + sb);
      valid += IpAddress.tryParse(sb.toString()) != null ? 1 : 0;
    }
    assertThat(valid).as("addresses among the generated strings").isGreaterThan(1_000);
  }

  @Test
  void randomHexGroupsAndColons_agreeWithTheStrictParser() {
    SplittableRandom rnd = new SplittableRandom(11);
    String digits = "0123456789abcdefABCDEF";
    int valid = 0;
    int compressed = 0;
    for (int i = 0; i < 300_000; i++) {
      // 1 to 10 groups of 0 to 5 hex digits joined by one colon, sometimes two or three: mostly
      // near-misses of an IPv6 address, many of them valid, some with a non-ASCII or non-hex character
      int groups = rnd.nextInt(1, 11);
      StringBuilder sb = new StringBuilder();
      for (int g = 0; g < groups; g++) {
        if (g > 0) {
          int r = rnd.nextInt(40);
          sb.append(r == 0 ? ":::" : r < 4 ? "::" : ":");
        }
        int len = rnd.nextInt(0, 6);
        for (int k = 0; k < len; k++) {
          sb.append(digits.charAt(rnd.nextInt(digits.length())));
        }
      }
      int r = rnd.nextInt(100);
      if (r == 0 && sb.length() > 0) {
        sb.setCharAt(rnd.nextInt(sb.length()), rnd.nextBoolean() ? 'g' : '\u0131');
      } else if (r < 6) {
        sb.insert(0, "::");
      } else if (r < 11) {
        sb.append("::");
      }
      String text = sb.toString();
      assertAgrees(text);
      assertAgrees("[" + text + "]", text);
      if (IpAddress.tryParse(text) != null) {
        valid++;
        compressed += text.contains("::") ? 1 : 0;
      }
    }
    assertThat(valid).as("addresses among the generated strings").isGreaterThan(3_000);
    assertThat(compressed).as("compressed ('::') addresses among them").isGreaterThan(1_000);
  }

  @Test
  void randomGarbage_agreesWithTheStrictParser() {
    SplittableRandom rnd = new SplittableRandom(5);
    String alphabet = "0123456789abcdef:.:.fF0";
    for (int i = 0; i < 200_000; i++) {
      int len = rnd.nextInt(1, 30);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < len; k++) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      assertAgrees(sb.toString());
    }
  }
}
