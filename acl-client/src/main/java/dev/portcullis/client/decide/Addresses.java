package dev.portcullis.client.decide;

import dev.portcullis.address.HexDigits;
import java.util.Arrays;

/**
 * Allocation-free parsing of a textual address on the request path into primitive bits, and the
 * mixing hash used by in-process tables. IPv4 (and IPv4-mapped IPv6) parse to a non-negative long
 * holding 32 bits; IPv6 parses into a caller-supplied {@code long[2]}. Bracketed IPv6
 * ({@code [::1]}) is accepted because that is how some proxies and servlet containers report it.
 */
public final class Addresses {

  /** Returned when the text is not an IPv4 address. */
  public static final long NOT_V4 = -1;
  /** Returned by {@link #parse} when the text is IPv6; the bits are in the scratch array. */
  public static final long IS_V6 = -2;

  private Addresses() {}

  /**
   * Parses {@code s}. Returns the IPv4 bits (0..2^32-1), {@link #IS_V6} with {@code v6[0..1]} filled,
   * or {@link #NOT_V4} if the text is neither (including null and empty).
   */
  public static long parse(CharSequence s, long[] v6) {
    if (s == null) {
      return NOT_V4;
    }
    int from = 0;
    int to = s.length();
    if (to > 1 && s.charAt(0) == '[' && s.charAt(to - 1) == ']') {
      from = 1;
      to--;
    }
    if (to - from < 2 || to - from > 45) {
      return NOT_V4;
    }
    if (from == 0) {
      // the common case in one pass; a dotted quad never has a colon, IPv6 always has one
      long v4 = parseV4(s, 0, to);
      if (v4 >= 0) {
        return v4;
      }
    }
    return parseV6(s, from, to, v6);
  }

  // the value of each ASCII hex digit, -1 for every other ASCII character
  private static final byte[] HEX = new byte[128];

  static {
    Arrays.fill(HEX, (byte) -1);
    for (int c = 0; c < 128; c++) {
      int d = HexDigits.value((char) c);
      if (d >= 0) {
        HEX[c] = (byte) d;
      }
    }
  }

  // weights of an octet's first, second and third digit, by the octet's length (0 beyond 3)
  private static final int[] FIRST = new int[16];
  private static final int[] SECOND = new int[16];
  private static final int[] THIRD = new int[16];

  static {
    FIRST[1] = 1;
    FIRST[2] = 10;
    FIRST[3] = 100;
    SECOND[2] = 1;
    SECOND[3] = 10;
    THIRD[3] = 1;
  }

  /**
   * A dotted quad in {@code s[from, to)}, or {@link #NOT_V4}. Written to branch on the data as little
   * as possible: with real traffic the octets' lengths are unpredictable, and a parser that loops per
   * octet pays a mispredicted branch for most of them (most of the cost of a whole check). One pass
   * marks the dots and checks every other character is a digit; each octet is then computed from its
   * first three characters with weights chosen by its length.
   */
  static long parseV4(CharSequence s, int from, int to) {
    int n = to - from;
    if (n < 7 || n > 15) {
      return NOT_V4;
    }
    int dots = 0;
    int bad = 0;
    for (int i = 0; i < n; i++) {
      int c = s.charAt(from + i);
      int dot = c == '.' ? 1 : 0;
      int d = c - '0';
      bad |= (d | (9 - d)) & (dot - 1); // negative iff a character that is neither a digit nor a dot
      dots |= dot << i;
    }
    if (bad < 0 || Integer.bitCount(dots) != 3) {
      return NOT_V4;
    }
    int p1 = Integer.numberOfTrailingZeros(dots);
    dots &= dots - 1;
    int p2 = Integer.numberOfTrailingZeros(dots);
    dots &= dots - 1;
    int p3 = Integer.numberOfTrailingZeros(dots);
    int a = octet(s, from, n, 0, p1);
    int b = octet(s, from, n, p1 + 1, p2);
    int c = octet(s, from, n, p2 + 1, p3);
    int d = octet(s, from, n, p3 + 1, n);
    if ((a | b | c | d) < 0) {
      return NOT_V4;
    }
    return ((long) a << 24) | (b << 16) | (c << 8) | d;
  }

  /** The octet in {@code s[from + start, from + end)} (digits only, checked), or -1. */
  private static int octet(CharSequence s, int from, int n, int start, int end) {
    int len = end - start;
    int last = n - 1;
    int d0 = s.charAt(from + Math.min(start, last)) - '0';
    int d1 = s.charAt(from + Math.min(start + 1, last)) - '0';
    int d2 = s.charAt(from + Math.min(start + 2, last)) - '0';
    int v = d0 * FIRST[len] + d1 * SECOND[len] + d2 * THIRD[len];
    boolean ok = (len >= 1) & (len <= 3) & (v <= 255) & ((len == 1) | (d0 != 0));
    return ok ? v : -1;
  }

  /**
   * IPv6 in {@code s[from, to)}, or {@link #NOT_V4}. One pass, branching only on colons (predictable:
   * groups are mostly four digits long), never on whether a character is a digit or a letter: random
   * interface identifiers mix the two unpredictably, and a parser that branches on the kind (as
   * {@link #parseV6Slow} does) pays a mispredicted branch for a third of the characters. A hex digit's
   * value and validity come from one table lookup. The '::' is the first empty group; a second one,
   * or a group of more than four digits, refuses the text. Text with anything but hex digits and colons
   * (an embedded dotted quad, or garbage) is left to {@link #parseV6Slow}.
   */
  private static long parseV6(CharSequence s, int from, int to, long[] out) {
    int n = to - from;
    long hi = 0;
    long lo = 0;
    int count = 0;
    long headHi = 0;
    long headLo = 0;
    int headCount = -1; // groups before the '::', -1 without one
    int gapEnd = -1;    // index after the '::'
    int bad = 0;
    int value = 0;
    int start = 0;
    int i = 0;
    if (s.charAt(from) == ':') {
      if (s.charAt(from + 1) != ':') {
        return NOT_V4;
      }
      headCount = 0;
      gapEnd = 2;
      start = 2;
      i = 2;
    }
    for (; i < n; i++) {
      int c = s.charAt(from + i);
      if (c == ':') {
        int len = i - start;
        if (len - 1 >>> 2 != 0) { // not 1..4 digits: only the second colon of the first '::' may end an empty group
          if (len != 0 || headCount >= 0) {
            return NOT_V4;
          }
          headHi = hi;
          headLo = lo;
          headCount = count;
          hi = 0;
          lo = 0;
          gapEnd = i + 1;
        } else {
          hi = (hi << 16) | (lo >>> 48);
          lo = (lo << 16) | (value & 0xFFFF);
          count++;
        }
        value = 0;
        start = i + 1;
      } else {
        int h = HEX[c & 0x7F];
        bad |= h | -(c >>> 7); // negative iff not a hex digit
        value = (value << 4) | (h & 0xF);
      }
    }
    if (bad < 0) {
      return parseV6Slow(s, from, to, out); // an embedded dotted quad, or not an address
    }
    int len = n - start;
    if (len != 0 || gapEnd != n) { // unless the text ends with its '::', a last group follows
      if (len - 1 >>> 2 != 0) {
        return NOT_V4;
      }
      hi = (hi << 16) | (lo >>> 48);
      lo = (lo << 16) | (value & 0xFFFF);
      count++;
    }
    return assemble(hi, lo, count, headHi, headLo, headCount, out);
  }

  private static long parseV6Slow(CharSequence s, int from, int to, long[] out) {
    long hi = 0;
    long lo = 0;
    int count = 0;
    int gap = -1;
    int i = from;
    // groups accumulate right-aligned in (hi, lo); at '::' the head is set aside and moved
    // to the top at the end, which expands the gap with zeros
    long headHi = 0;
    long headLo = 0;
    int headCount = 0;
    if (s.charAt(i) == ':') {
      if (s.charAt(i + 1) != ':') {
        return NOT_V4;
      }
      gap = 0;
      i += 2;
    }
    while (i < to) {
      int start = i;
      int value = 0;
      while (i < to && s.charAt(i) != ':') {
        char c = s.charAt(i);
        if (c == '.') {
          // trailing dotted quad: two groups
          if (count > 6) {
            return NOT_V4;
          }
          long v4 = parseV4(s, start, to);
          if (v4 < 0) {
            return NOT_V4;
          }
          hi = (hi << 32) | (lo >>> 32);
          lo = (lo << 32) | v4;
          count += 2;
          i = to;
          value = -1;
          break;
        }
        int d = HexDigits.value(c);
        if (d < 0 || i - start >= 4) {
          return NOT_V4;
        }
        value = (value << 4) | d;
        i++;
      }
      if (value == -1) {
        break;
      }
      if (i == start || count == 8) {
        return NOT_V4;
      }
      hi = (hi << 16) | (lo >>> 48);
      lo = (lo << 16) | value;
      count++;
      if (i < to) {
        i++;
        if (i < to && s.charAt(i) == ':') {
          if (gap >= 0) {
            return NOT_V4;
          }
          gap = count;
          headHi = hi;
          headLo = lo;
          headCount = count;
          hi = 0;
          lo = 0;
          i++;
        } else if (i == to) {
          return NOT_V4;
        }
      }
    }
    return assemble(hi, lo, count, headHi, headLo, gap < 0 ? -1 : headCount, out);
  }

  /**
   * The address from its {@code count} groups: those after a '::' (or all of them, without one)
   * right-aligned in {@code hi, lo}, the {@code headCount} before it right-aligned in {@code headHi,
   * headLo} ({@code headCount} is -1 without a '::'). Eight groups without a '::', fewer with one;
   * the head moves to the top, past the {@code 8 - headCount} groups that follow it.
   */
  private static long assemble(long hi, long lo, int count, long headHi, long headLo, int headCount, long[] out) {
    if (headCount < 0) {
      return count == 8 ? v6OrMapped(hi, lo, out) : NOT_V4;
    }
    if (count >= 8) {
      return NOT_V4;
    }
    int shift = (8 - headCount) * 16;
    if (shift >= 128) {
      headHi = 0;
      headLo = 0;
    } else if (shift >= 64) {
      headHi = headLo << (shift - 64);
      headLo = 0;
    } else if (shift > 0) {
      headHi = (headHi << shift) | (headLo >>> (64 - shift));
      headLo <<= shift;
    }
    return v6OrMapped(hi | headHi, lo | headLo, out);
  }

  /** IPv4-mapped addresses as IPv4; others into {@code out} with {@link #IS_V6}. */
  private static long v6OrMapped(long hi, long lo, long[] out) {
    if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
      return lo & 0xFFFF_FFFFL;
    }
    out[0] = hi;
    out[1] = lo;
    return IS_V6;
  }

  /** A 64-bit mix (murmur3 finaliser), for open-addressing tables. */
  public static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
