package dev.portcullis.cli;

import dev.portcullis.address.Cidr;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import dev.portcullis.config.PrefixLimit;
import dev.portcullis.config.PrefixLimits;

/** Parsing of option values, with messages that name the option. */
final class Options {

  private Options() {}

  /** A positive limit, or {@code none} for no limit (null). */
  static Long limit(String option, String value) {
    if (value.equalsIgnoreCase("none")) {
      return null;
    }
    try {
      long n = Long.parseLong(value);
      if (n <= 0) {
        throw new IllegalArgumentException(option + " must be > 0 or none, was " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number or none, was \"" + value + "\"");
    }
  }

  /**
   * {@code limits} changed by {@code --prefix-limit PREFIX=N|none} (per second) and
   * {@code --prefix-limit-per-minute PREFIX=N|none} options, each repeatable; PREFIX is e.g. ipv6/48.
   */
  static List<PrefixLimit> prefixLimits(List<PrefixLimit> limits, List<String> perSecond, List<String> perMinute) {
    List<PrefixLimit> out = limits;
    for (boolean second : new boolean[] {true, false}) {
      String option = second ? "--prefix-limit" : "--prefix-limit-per-minute";
      for (String s : second ? orEmpty(perSecond) : orEmpty(perMinute)) {
        int eq = s.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException(option + " must be PREFIX=N|none, e.g. ipv6/48=2000, was \"" + s + "\"");
        }
        Long n = limit(option, s.substring(eq + 1));
        out = PrefixLimits.with(out, s.substring(0, eq), second, n, !second, n);
      }
    }
    return out;
  }

  private static List<String> orEmpty(List<String> values) {
    return values == null ? List.of() : values;
  }

  static ZoneId zone(String value) {
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("--quota-zone must be a time zone id such as UTC or Europe/Paris, was \"" + value + "\"");
    }
  }

  static Cidr cidr(String value) {
    return Cidr.parse(value);
  }
}
