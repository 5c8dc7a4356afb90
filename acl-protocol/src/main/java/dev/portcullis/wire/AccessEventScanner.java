package dev.portcullis.wire;

import static dev.portcullis.wire.AccessEventFields.APP;
import static dev.portcullis.wire.AccessEventFields.CALLER;
import static dev.portcullis.wire.AccessEventFields.DENIED;
import static dev.portcullis.wire.AccessEventFields.IFACE;
import static dev.portcullis.wire.AccessEventFields.IP;
import static dev.portcullis.wire.AccessEventFields.N;
import static dev.portcullis.wire.AccessEventFields.NODE;
import static dev.portcullis.wire.AccessEventFields.TS;
import static dev.portcullis.wire.AccessEventFields.V;


import java.nio.charset.StandardCharsets;

/**
 * The first tier of {@link FastAccessEventReader}: reads an access event straight from its bytes when
 * the document is in the plain form clients write (ASCII strings without escapes, integers without
 * sign, fraction or exponent, any JSON whitespace between tokens, fields in any order). Anything else,
 * valid or not, it leaves to the next tier by answering {@code null}; it accepts a document only if
 * it is a valid event, checked by the same rules as the strict reader. Stateless and thread-safe.
 */
final class AccessEventScanner {

  /** Where the scan is, and what the last value was (a scanner per call: nothing is shared). */
  private static final class Cursor {
    final byte[] b;
    int i;
    long number;
    String text;

    Cursor(byte[] b) {
      this.b = b;
    }

    boolean more() {
      return i < b.length;
    }

    void skipWhitespace() {
      while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
        i++;
      }
    }

    boolean take(char c) {
      skipWhitespace();
      if (i < b.length && b[i] == c) {
        i++;
        return true;
      }
      return false;
    }

    /** A quoted string of printable ASCII without escapes, 1 to {@code max} characters, into {@link #text}. */
    boolean string(int max) {
      if (!take('"')) {
        return false;
      }
      int start = i;
      while (i < b.length && b[i] != '"') {
        if (b[i] < 0x20 || b[i] > 0x7E || b[i] == '\\') {
          return false; // an escape, a control character or non-ASCII: the next tier reads it
        }
        i++;
      }
      int len = i - start;
      if (i >= b.length || len == 0 || len > max) {
        return false;
      }
      text = new String(b, start, len, StandardCharsets.ISO_8859_1);
      i++;
      return true;
    }

    /** A non-negative integer of at most 18 digits with no leading zero, into {@link #number}. */
    boolean integer() {
      skipWhitespace();
      int start = i;
      long v = 0;
      while (i < b.length && b[i] >= '0' && b[i] <= '9') {
        v = v * 10 + (b[i] - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || digits > 18 || (digits > 1 && b[start] == '0')) {
        return false;
      }
      if (i < b.length && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
        return false;
      }
      number = v;
      return true;
    }

    /** The literal {@code null}. */
    boolean nullLiteral() {
      skipWhitespace();
      if (i + 4 <= b.length && b[i] == 'n' && b[i + 1] == 'u' && b[i + 2] == 'l' && b[i + 3] == 'l') {
        i += 4;
        return true;
      }
      return false;
    }

    /** The bit of the field name at the cursor ({@code "name"}), or 0 for any other name. */
    int fieldName() {
      if (!take('"')) {
        return 0;
      }
      int start = i;
      while (i < b.length && b[i] >= 'a' && b[i] <= 'z') {
        i++;
      }
      if (i >= b.length || b[i] != '"') {
        return 0;
      }
      int bit = bitOf(b, start, i - start);
      i++;
      return bit;
    }
  }

  private static int bitOf(byte[] b, int at, int len) {
    return switch (len) {
      case 1 -> b[at] == 'v' ? V : b[at] == 'n' ? N : 0;
      case 2 -> is(b, at, "ip") ? IP : is(b, at, "ts") ? TS : 0;
      case 3 -> is(b, at, "app") ? APP : 0;
      case 4 -> is(b, at, "node") ? NODE : 0;
      case 5 -> is(b, at, "iface") ? IFACE : 0;
      case 6 -> is(b, at, "caller") ? CALLER : is(b, at, "denied") ? DENIED : 0;
      default -> 0;
    };
  }

  private static boolean is(byte[] b, int at, String name) {
    for (int k = 0; k < name.length(); k++) {
      if (b[at + k] != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The event, or {@code null} if the document is not a valid event in the plain form. */
  AccessEvent scan(byte[] utf8) {
    if (utf8 == null) {
      return null;
    }
    Cursor c = new Cursor(utf8);
    if (!c.take('{')) {
      return null;
    }
    AccessEventFields f = new AccessEventFields();
    do {
      int bit = c.fieldName();
      if (!f.see(bit) || !c.take(':')) {
        return null; // an unknown field, a duplicate or not a field
      }
      boolean valid;
      if (AccessEventFields.isNumber(bit)) {
        valid = c.integer() && f.number(bit, c.number);
      } else if (bit == CALLER && c.nullLiteral()) {
        valid = true;
      } else {
        valid = c.string(AccessEventFields.maxLength(bit)) && f.text(bit, c.text);
      }
      if (!valid) {
        return null;
      }
    } while (c.take(','));
    if (!c.take('}')) {
      return null;
    }
    c.skipWhitespace();
    return c.more() ? null : f.event();
  }
}
