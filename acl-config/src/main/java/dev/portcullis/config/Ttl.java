package dev.portcullis.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a time to live such as {@code 30s}, {@code 90m}, {@code 24h}, {@code 7d} or ISO {@code PT24H};
 * shared by the CLI and the notifier's API so both accept the same forms with the same message.
 */
public final class Ttl {

  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhd])");

  private Ttl() {}

  /** @throws IllegalArgumentException naming the text and the accepted forms */
  public static Duration parse(String text) {
    return parse("TTL", text);
  }

  /** @throws IllegalArgumentException naming {@code field}, the text and the accepted forms */
  public static Duration parse(String field, String text) {
    Matcher m = SHORT.matcher(text == null ? "" : text.trim());
    Duration d;
    if (m.matches()) {
      try {
        long n = Long.parseLong(m.group(1));
        d = switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
        d.toMillis(); // a duration whose milliseconds overflow is refused here, not where it is used
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException(field + " \"" + text + "\" is too long");
      }
    } else {
      try {
        d = Duration.parse(text);
        d.toMillis();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(field + " \"" + text + "\" is too long");
      } catch (DateTimeParseException | NullPointerException e) {
        throw new IllegalArgumentException(field + " \"" + text + "\" must look like 30s, 90m, 24h, 7d or PT24H");
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, was " + text);
    }
    return d;
  }
}
