package dev.portcullis.wire;

import dev.portcullis.address.IpAddress;
import dev.portcullis.keys.Identifiers;

/**
 * The fields of one access event as a fast reader finds them, each checked when it is set by the
 * strict reader's rules (the fast readers accept a document only if the strict reader would). One
 * instance per document; not thread-safe.
 */
final class AccessEventFields {

  // one bit per field, to find duplicates and missing fields
  static final int V = 1;
  static final int APP = 1 << 1;
  static final int IFACE = 1 << 2;
  static final int IP = 1 << 3;
  static final int CALLER = 1 << 4;
  static final int TS = 1 << 5;
  static final int N = 1 << 6;
  static final int DENIED = 1 << 7;
  static final int NODE = 1 << 8;
  private static final int REQUIRED = V | APP | IFACE | IP | TS | N | DENIED | NODE;
  private static final int NUMBERS = V | TS | N | DENIED;

  private int seen;
  private String app;
  private String iface;
  private IpAddress ip;
  private String caller;
  private String node;
  private long ts;
  private long n;
  private long denied;

  /** The bit of a field name, or 0 for a name that is not a field. */
  static int bit(String name) {
    return switch (name) {
      case "v" -> V;
      case "app" -> APP;
      case "iface" -> IFACE;
      case "ip" -> IP;
      case "caller" -> CALLER;
      case "ts" -> TS;
      case "n" -> N;
      case "denied" -> DENIED;
      case "node" -> NODE;
      default -> 0;
    };
  }

  /** Whether the field holds an integer (else text; {@code caller} may also be null). */
  static boolean isNumber(int bit) {
    return (bit & NUMBERS) != 0;
  }

  /** The longest text the field may hold. */
  static int maxLength(int bit) {
    return switch (bit) {
      case APP -> 63;
      case IP -> 64;
      case NODE -> 128;
      default -> 200;
    };
  }

  /** Marks the field found; false if it was found before (a duplicate). */
  boolean see(int bit) {
    if (bit == 0 || (seen & bit) != 0) {
      return false;
    }
    seen |= bit;
    return true;
  }

  /** Sets an integer field; false if the value is out of its range. */
  boolean number(int bit, long value) {
    switch (bit) {
      case V -> {
        return value == AccessEvent.VERSION;
      }
      case TS -> ts = value;
      case N -> n = value;
      default -> denied = value;
    }
    return value >= (bit == N ? 1 : 0);
  }

  /** Sets a text field; false if the text is empty, too long or breaks the field's rule. */
  boolean text(int bit, String s) {
    if (s.isEmpty() || s.length() > maxLength(bit)) {
      return false;
    }
    return switch (bit) {
      case APP -> Identifiers.isApp(app = s);
      case IFACE -> Identifiers.isLabel(iface = s);
      case CALLER -> Identifiers.isLabel(caller = s);
      case NODE -> Identifiers.isNode(node = s);
      default -> (ip = IpAddress.tryParse(s)) != null;
    };
  }

  /** The event, or {@code null} if a required field is missing or more requests are denied than made. */
  AccessEvent event() {
    return (seen & REQUIRED) != REQUIRED || denied > n ? null
        : new AccessEvent(app, iface, ip, caller, ts, n, denied, node);
  }
}
