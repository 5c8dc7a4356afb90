package dev.portcullis.client.http;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.CidrTable;
import dev.portcullis.address.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds the client address of a request that may have passed through proxies.
 *
 * <p>The socket peer is the only address that cannot be forged. The one forwarding header the
 * deployment names ({@link ForwardingHeader}: {@code X-Forwarded-For} by default, or
 * {@code Forwarded: for=...} per RFC 7239, or {@code X-Real-IP}, or none) is read only when the peer
 * is one of the configured trusted proxies, and then from the right: each hop that is itself a
 * trusted proxy is skipped, and the first address that is not is the client (the rightmost untrusted
 * address wins). Anything left of it was written by the client and is ignored, and so is every other
 * forwarding header (a proxy that appends to one passes the others through as the client wrote them).
 * An unparseable hop stops the walk and is returned as it is, so that the decision engine's rule for
 * unparseable addresses applies rather than a guess.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClientIpResolver {

  private final CidrTable<Boolean> trusted;
  private final ForwardingHeader header;

  /** Trusting {@code X-Forwarded-For} from {@code trustedProxies}. */
  public ClientIpResolver(Collection<Cidr> trustedProxies) {
    this(trustedProxies, ForwardingHeader.X_FORWARDED_FOR);
  }

  /**
   * @param trustedProxies the blocks your own proxies and load balancers send from
   * @param header         the one header they write the client address into
   */
  public ClientIpResolver(Collection<Cidr> trustedProxies, ForwardingHeader header) {
    if (header == null) {
      throw new IllegalArgumentException("header must be X_FORWARDED_FOR, FORWARDED, X_REAL_IP or NONE, was null");
    }
    this.header = header;
    Map<Cidr, Boolean> m = new HashMap<>();
    for (Cidr c : trustedProxies) {
      m.put(c, Boolean.TRUE);
    }
    this.trusted = CidrTable.of(m);
  }

  /** A resolver that trusts no proxy: the socket peer is always the client. */
  public static ClientIpResolver direct() {
    return new ClientIpResolver(List.of());
  }

  private boolean isTrusted(String address) {
    IpAddress a = IpAddress.tryParse(address);
    return a != null && trusted.longestMatch(a) != null;
  }

  /** The header this resolver reads. */
  public ForwardingHeader header() {
    return header;
  }

  /**
   * @param peer    the socket peer address ({@code getRemoteAddr()})
   * @param headers every value of a request header, by name, in order (empty if absent)
   */
  public String resolve(String peer, Function<String, List<String>> headers) {
    String p = strip(peer);
    if (header == ForwardingHeader.NONE || !isTrusted(p)) {
      return p;
    }
    List<String> values = headers.apply(header.headerName());
    List<String> hops = switch (header) {
      case FORWARDED -> forwardedFor(values);
      case X_REAL_IP -> values.isEmpty() ? List.of() : List.of(values.get(values.size() - 1).trim());
      default -> split(values);
    };
    String client = p;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = strip(hops.get(i));
      client = hop;
      if (!isTrusted(hop)) {
        return hop;
      }
    }
    return client;
  }

  static List<String> headerValues(Enumeration<String> values) {
    List<String> out = new ArrayList<>();
    if (values != null) {
      while (values.hasMoreElements()) {
        out.add(values.nextElement());
      }
    }
    return out;
  }

  private static List<String> split(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      for (String part : v.split(",")) {
        String t = part.trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /** The {@code for=} node of each forwarded element, in order. */
  private static List<String> forwardedFor(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      for (String element : v.split(",")) {
        String found = "unknown";
        for (String pair : element.split(";")) {
          int eq = pair.indexOf('=');
          if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
            found = pair.substring(eq + 1).trim();
          }
        }
        out.add(found);
      }
    }
    return out;
  }

  /** Removes quotes, brackets and a port: {@code "[2001:db8::1]:4711"} → {@code 2001:db8::1}. */
  static String strip(String node) {
    if (node == null) {
      return "";
    }
    String s = node.trim();
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      s = s.substring(1, s.length() - 1);
    }
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      return close > 0 ? s.substring(1, close) : s;
    }
    int colon = s.indexOf(':');
    if (colon > 0 && s.indexOf(':', colon + 1) < 0) {
      return s.substring(0, colon); // IPv4 with a port
    }
    return s;
  }
}
