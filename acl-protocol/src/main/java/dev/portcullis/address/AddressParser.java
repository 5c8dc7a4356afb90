package dev.portcullis.address;

/**
 * Strict parser for textual addresses. It never throws: a failed parse returns an error text
 * that quotes the input and names the rule it broke, so callers on a hot path can test for
 * {@code null} and callers at an edge can report the message.
 *
 * <p>Accepted: dotted-quad IPv4 with decimal octets 0-255 and no leading zeros (a leading zero
 * means octal to some parsers and decimal to others, so it is refused rather than guessed);
 * IPv6 in any RFC 4291 text form, including one {@code ::} and a trailing dotted quad.
 * Refused: brackets, zone ids, ports, whitespace and empty input.
 */
final class AddressParser {

  record Result(IpAddress address, String error) {}

  private AddressParser() {}

  static Result parse(CharSequence text) {
    if (text == null) {
      return fail("address must not be null");
    }
    int n = text.length();
    if (n == 0) {
      return fail("\"\" is not an IP address: it is empty");
    }
    if (n > 45) {
      return fail(quote(text) + " is not an IP address: too long");
    }
    for (int i = 0; i < n; i++) {
      if (text.charAt(i) == ':') {
        return parseV6(text);
      }
    }
    long v = parseV4(text, 0, n);
    if (v < 0) {
      return fail(quote(text) + " is not an IPv4 address" + V4_REASONS[(int) -v]);
    }
    return new Result(new IpAddress(IpAddress.Family.IPV4, 0, v), null);
  }

  private static final String[] V4_REASONS = {
    "",
    ": it needs four decimal octets separated by dots",
    ": an octet is greater than 255",
    ": an octet has a leading zero",
    ": it contains a character that is not a digit or a dot",
  };

  /** Returns the 32-bit value, or a negative index into {@link #V4_REASONS}. */
  static long parseV4(CharSequence s, int from, int to) {
    long value = 0;
    int octets = 0;
    int i = from;
    while (i <= to) {
      int start = i;
      int octet = 0;
      while (i < to && s.charAt(i) != '.') {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          return -4;
        }
        octet = octet * 10 + (c - '0');
        if (i - start >= 3) {
          return -2;
        }
        i++;
      }
      int len = i - start;
      if (len == 0) {
        return -1;
      }
      if (len > 1 && s.charAt(start) == '0') {
        return -3;
      }
      if (octet > 255) {
        return -2;
      }
      value = (value << 8) | octet;
      octets++;
      if (octets > 4) {
        return -1;
      }
      i++; // skip the dot (or step past the end)
    }
    if (octets != 4 || s.charAt(to - 1) == '.') {
      return -1;
    }
    return value;
  }

  private static Result parseV6(CharSequence s) {
    int n = s.length();
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = 0;
    if (s.charAt(0) == ':') {
      if (n < 2 || s.charAt(1) != ':') {
        return fail(quote(s) + " is not an IPv6 address: it starts with a single ':'");
      }
      gap = 0;
      i = 2;
      if (i == n) {
        return new Result(IpAddress.ofV6(0, 0), null);
      }
    }
    while (i < n) {
      int start = i;
      int value = 0;
      boolean sawDot = false;
      while (i < n && s.charAt(i) != ':') {
        char c = s.charAt(i);
        if (c == '.') {
          sawDot = true;
          break;
        }
        int d = HexDigits.value(c);
        if (d < 0) {
          return fail(quote(s) + " is not an IPv6 address: '" + c + "' is not a hex digit");
        }
        if (i - start >= 4) {
          return fail(quote(s) + " is not an IPv6 address: a group has more than 4 hex digits");
        }
        value = (value << 4) | d;
        i++;
      }
      if (sawDot) {
        if (count > 6) {
          return fail(quote(s) + " is not an IPv6 address: too many groups");
        }
        long v4 = parseV4(s, start, n);
        if (v4 < 0) {
          return fail(quote(s) + " is not an IPv6 address: its embedded IPv4 part is invalid");
        }
        groups[count++] = (int) (v4 >>> 16);
        groups[count++] = (int) (v4 & 0xFFFF);
        i = n;
        break;
      }
      if (i == start) {
        return fail(quote(s) + " is not an IPv6 address: empty group");
      }
      if (count == 8) {
        return fail(quote(s) + " is not an IPv6 address: more than 8 groups");
      }
      groups[count++] = value;
      if (i < n) { // at ':'
        i++;
        if (i < n && s.charAt(i) == ':') {
          if (gap >= 0) {
            return fail(quote(s) + " is not an IPv6 address: '::' appears more than once");
          }
          gap = count;
          i++;
        } else if (i == n) {
          return fail(quote(s) + " is not an IPv6 address: it ends with a single ':'");
        }
      }
    }
    if (gap < 0 && count != 8) {
      return fail(quote(s) + " is not an IPv6 address: it has " + count + " groups, not 8");
    }
    if (gap >= 0 && count == 8) {
      return fail(quote(s) + " is not an IPv6 address: '::' stands for no group");
    }
    if (gap >= 0) {
      int tail = count - gap;
      System.arraycopy(groups, gap, groups, 8 - tail, tail);
      for (int k = gap; k < 8 - tail; k++) {
        groups[k] = 0;
      }
    }
    long hi = 0;
    long lo = 0;
    for (int k = 0; k < 4; k++) {
      hi = (hi << 16) | groups[k];
      lo = (lo << 16) | groups[4 + k];
    }
    return new Result(IpAddress.ofV6(hi, lo), null);
  }


  private static Result fail(String message) {
    return new Result(null, message);
  }

  static String quote(CharSequence s) {
    return "\"" + s + "\"";
  }
}
