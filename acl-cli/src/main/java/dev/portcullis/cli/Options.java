package dev.portcullis.cli;

import dev.portcullis.address.Cidr;
import java.time.DateTimeException;
import java.time.ZoneId;

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
