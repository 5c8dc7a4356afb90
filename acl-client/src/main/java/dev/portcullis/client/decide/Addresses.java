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

  private static final long HIGH = 0x8080_8080_8080_8080L;
  private static final long LOW7 = 0x7F7F_7F7F_7F7F_7F7FL;
  private static final long DOTS = 0x2E2E_2E2E_2E2E_2E2EL;
  private static final long NIBBLES = 0x0F0F_0F0F_0F0F_0F0FL;

  /**
   * A dotted quad in {@code s[from, to)}, or {@link #NOT_V4}. Written to branch on the data as little
   * as possible: with real traffic the octets' lengths are unpredictable, and a parser that loops per
   * octet pays a mispredicted branch for most of them (most of the cost of a whole check). Each
   * character is read once, into the bytes of two {@code long}s (characters 0-7 and 8-14); the dots
   * and the digits are then found eight characters at a time with word arithmetic, and each octet is
   * computed from its three bytes with arithmetic on the word. All fifteen places are read whatever
   * the length (past the end, the last character again), so no loop branches on the length.
   */
  static long parseV4(CharSequence s, int from, int to) {
    int n = to - from;
    if (n < 7 || n > 15) {
      return NOT_V4;
    }
    // past the end, the last character again (masked off below)
    int last = from + n - 1;
    int c0 = s.charAt(from);
    int c1 = s.charAt(from + 1);
    int c2 = s.charAt(from + 2);
    int c3 = s.charAt(from + 3);
    int c4 = s.charAt(from + 4);
    int c5 = s.charAt(from + 5);
    int c6 = s.charAt(from + 6);
    int c7 = s.charAt(Math.min(from + 7, last));
    int c8 = s.charAt(Math.min(from + 8, last));
    int c9 = s.charAt(Math.min(from + 9, last));
    int c10 = s.charAt(Math.min(from + 10, last));
    int c11 = s.charAt(Math.min(from + 11, last));
    int c12 = s.charAt(Math.min(from + 12, last));
    int c13 = s.charAt(Math.min(from + 13, last));
    int c14 = s.charAt(Math.min(from + 14, last));
    if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7 | c8 | c9 | c10 | c11 | c12 | c13 | c14) > 0x7F) {
      return NOT_V4; // not ASCII (and a wider character would not have fitted its byte)
    }
    long lo = c0 | c1 << 8 | c2 << 16 | (long) c3 << 24 | (long) c4 << 32 | (long) c5 << 40
        | (long) c6 << 48 | (long) c7 << 56;
    long hi = c8 | c9 << 8 | c10 << 16 | (long) c11 << 24 | (long) c12 << 32 | (long) c13 << 40
        | (long) c14 << 48;
    // 0x80 in each byte that holds a character
    long loLive = n >= 8 ? HIGH : HIGH >>> ((8 - n) << 3);
    long hiLive = n <= 8 ? 0 : HIGH >>> ((16 - n) << 3);
    lo &= (loLive >>> 7) * 0xFF;
    hi &= (hiLive >>> 7) * 0xFF;
    long loDots = zeroBytes(lo ^ DOTS) & loLive;
    long hiDots = zeroBytes(hi ^ DOTS) & hiLive;
    if ((((loDots | digitBytes(lo)) ^ loLive) | ((hiDots | digitBytes(hi)) ^ hiLive)) != 0) {
      return NOT_V4; // a character that is neither a digit nor a dot
    }
    int dots = gather(loDots) | gather(hiDots) << 8;
    if (Integer.bitCount(dots) != 3) {
      return NOT_V4;
    }
    int p1 = Integer.numberOfTrailingZeros(dots);
    dots &= dots - 1;
    int p2 = Integer.numberOfTrailingZeros(dots);
    dots &= dots - 1;
    int p3 = Integer.numberOfTrailingZeros(dots);
    long dlo = lo & NIBBLES; // a digit's value in its byte
    long dhi = hi & NIBBLES;
    int a = octet(dlo, dhi, 0, p1);
    int b = octet(dlo, dhi, p1 + 1, p2 - p1 - 1);
    int c = octet(dlo, dhi, p2 + 1, p3 - p2 - 1);
    int d = octet(dlo, dhi, p3 + 1, n - p3 - 1);
    if ((a | b | c | d) < 0) {
      return NOT_V4;
    }
    return ((long) a << 24) | (b << 16) | (c << 8) | d;
  }

  /** 0x80 in each byte of {@code x} that is zero, 0 elsewhere. */
  private static long zeroBytes(long x) {
    return ~(((x & LOW7) + LOW7) | x | LOW7);
  }

  /** 0x80 in each byte of {@code x} that is an ASCII digit ({@code x}'s bytes are ASCII). */
  private static long digitBytes(long x) {
    // a byte plus 0x50 reaches 0x80 from '0' on, plus 0x46 from '9' + 1 on; no byte carries into the next
    return (x + 0x5050_5050_5050_5050L) & ~(x + 0x4646_4646_4646_4646L) & HIGH;
  }

  /** The bits 0x80 of a word's eight bytes as an 8-bit mask, byte i in bit i. */
  private static int gather(long x80) {
    return (int) (((x80 >>> 7) * 0x0102_0408_1020_4080L) >>> 56);
  }

  /**
   * The octet of {@code len} digits starting at character {@code start} (digit values in the bytes of
   * {@code lo} and {@code hi}; the caller checked they are digits), or -1.
   */
  private static int octet(long lo, long hi, int start, int len) {
    int shift = start << 3;
    // the three bytes from the start on; (hi << 1) << (63 - shift) is hi << (64 - shift), 0 when shift is 0
    long w = start < 8 ? (lo >>> shift) | ((hi << 1) << (63 - shift)) : hi >>> (shift - 64);
    int d0 = (int) w & 0xFF;
    // the octet's digits right-aligned in three bytes (leading zeros for a shorter octet), then
    // 100 x0 + 10 x1 + x2 as 10 (10 x0 + x1) + x2; each byte holds at most 15, so every byte of y stays
    // under 256 and none carries into the next
    int x = (int) (w << ((3 - len) << 3)) & 0xFF_FFFF;
    int y = x * 10 + (x >>> 8);
    int v = 10 * (y & 0xFF) + (x >>> 16);
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
