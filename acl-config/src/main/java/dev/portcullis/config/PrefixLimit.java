package dev.portcullis.config;

import java.util.List;

/**
 * A limit on the requests of a whole network prefix of one length, e.g. every IPv6 /48 at most
 * 2,000 a second: an attacker rotating addresses (or /64s) inside it is judged by their sum. The
 * aggregators must count that length ({@code windows.ipv4Prefixes}, {@code windows.ipv6Prefixes};
 * by default IPv4 /24 and /16, IPv6 /64, /56 and /48).
 *
 * @param ipv6           the family: false for IPv4 (length 8-32), true for IPv6 (16-128)
 * @param length         the prefix length
 * @param limitPerSecond requests of one such prefix per 1 s window, or null for none
 * @param limitPerMinute requests of one such prefix per 1 min window, or null for none
 */
public record PrefixLimit(boolean ipv6, int length, Long limitPerSecond, Long limitPerMinute) {

  /** The most prefix limits one policy holds. */
  public static final int MAX = 16;

  public PrefixLimit {
    int min = ipv6 ? 16 : 8;
    int max = ipv6 ? 128 : 32;
    if (length < min || length > max) {
      throw new IllegalArgumentException((ipv6 ? "an IPv6" : "an IPv4") + " prefix length must be " + min + "-" + max
          + ", was " + length);
    }
    Limits.checkPositive("limitPerSecond", limitPerSecond);
    Limits.checkPositive("limitPerMinute", limitPerMinute);
    if (limitPerSecond == null && limitPerMinute == null) {
      throw new IllegalArgumentException("a prefix limit needs limitPerSecond or limitPerMinute");
    }
  }

  /** The family and length as written in documents and on the command line: {@code ipv4/24}, {@code ipv6/48}. */
  public String name() {
    return (ipv6 ? "ipv6/" : "ipv4/") + length;
  }

  /** The limit of {@code limits} for one family and length, or null. */
  public static PrefixLimit find(List<PrefixLimit> limits, boolean ipv6, int length) {
    for (PrefixLimit p : limits) {
      if (p.ipv6 == ipv6 && p.length == length) {
        return p;
      }
    }
    return null;
  }

  /**
   * Parses {@code ipv4/24} or {@code ipv6/48} (also {@code v4/24}, {@code v6/48}) into family and length.
   *
   * @return {@code {0|1, length}}
   * @throws IllegalArgumentException naming what is wrong
   */
  public static int[] parseName(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
    int slash = t.indexOf('/');
    String family = slash < 0 ? "" : t.substring(0, slash);
    boolean v6 = family.equals("ipv6") || family.equals("v6");
    boolean v4 = family.equals("ipv4") || family.equals("v4");
    if (!v4 && !v6) {
      throw new IllegalArgumentException("a prefix is written ipv4/<length> or ipv6/<length>, e.g. ipv6/48, was \"" + text + "\"");
    }
    int length;
    try {
      length = Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the prefix length of \"" + text + "\" is not a number");
    }
    int min = v6 ? 16 : 8;
    int max = v6 ? 128 : 32;
    if (length < min || length > max) {
      throw new IllegalArgumentException("the length of " + text + " must be " + min + "-" + max);
    }
    return new int[] {v6 ? 1 : 0, length};
  }
}
