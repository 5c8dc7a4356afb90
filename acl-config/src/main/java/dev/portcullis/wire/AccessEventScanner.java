package dev.portcullis.wire;

import dev.portcullis.address.IpAddress;
import dev.portcullis.keys.Identifiers;
import java.nio.charset.StandardCharsets;

/**
 * The first tier of {@link FastAccessEventReader}: reads an access event straight from its bytes when
 * the document is in the plain form clients write (ASCII strings without escapes, integers without
 * sign, fraction or exponent, any JSON whitespace between tokens, fields in any order). Anything else,
 * valid or not, it leaves to the next tier by answering {@code null}; it accepts a document only if
 * it is a valid event, checked by the same rules as the strict reader. Stateless and thread-safe.
 */
final class AccessEventScanner {

  private static final int V = 1;
  private static final int APP = 1 << 1;
  private static final int IFACE = 1 << 2;
  private static final int IP = 1 << 3;
  private static final int CALLER = 1 << 4;
  private static final int TS = 1 << 5;
  private static final int N = 1 << 6;
  private static final int DENIED = 1 << 7;
  private static final int NODE = 1 << 8;
  private static final int REQUIRED = V | APP | IFACE | IP | TS | N | DENIED | NODE;
  private static final int NUMBERS = V | TS | N | DENIED;

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
    int seen = 0;
    String app = null;
    String iface = null;
    IpAddress ip = null;
    String caller = null;
    String node = null;
    long ts = 0;
    long n = 0;
    long denied = 0;
    do {
      int bit = c.fieldName();
      if (bit == 0 || (seen & bit) != 0 || !c.take(':')) {
        return null; // an unknown field, a duplicate or not a field
      }
      seen |= bit;
      if ((bit & NUMBERS) != 0) {
        if (!c.integer()) {
          return null;
        }
        switch (bit) {
          case V -> {
            if (c.number != AccessEvent.VERSION) {
              return null;
            }
          }
          case TS -> ts = c.number;
          case N -> n = c.number;
          default -> denied = c.number;
        }
      } else if (bit == CALLER && c.nullLiteral()) {
        caller = null;
      } else {
        int max = switch (bit) {
          case APP -> 63;
          case IP -> 64;
          case NODE -> 128;
          default -> 200;
        };
        if (!c.string(max)) {
          return null;
        }
        String s = c.text;
        switch (bit) {
          case APP -> app = Identifiers.isApp(s) ? s : null;
          case IFACE -> iface = Identifiers.isLabel(s) ? s : null;
          case CALLER -> caller = Identifiers.isLabel(s) ? s : null;
          case NODE -> node = Identifiers.isNode(s) ? s : null;
          default -> ip = IpAddress.tryParse(s);
        }
        if ((bit == APP && app == null) || (bit == IFACE && iface == null) || (bit == CALLER && caller == null)
            || (bit == NODE && node == null) || (bit == IP && ip == null)) {
          return null;
        }
      }
    } while (c.take(','));
    if (!c.take('}')) {
      return null;
    }
    c.skipWhitespace();
    if (c.more() || (seen & REQUIRED) != REQUIRED || n < 1 || denied > n) {
      return null;
    }
    return new AccessEvent(app, iface, ip, caller, ts, n, denied, node);
  }
}
