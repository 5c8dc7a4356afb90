package dev.portcullis.address;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An immutable longest-prefix-match table from address blocks to values.
 *
 * <p>Design note. One hash map per prefix length that occurs, probed from the longest present
 * length to the shortest; a lookup costs one masked hash probe per distinct prefix length in use,
 * which for real rule sets (a handful of lengths: /32, /24, /16, /128, /64, /48) is a few probes.
 * IPv4 keys are the masked 32 bits; IPv6 keys are the masked 128 bits. This is the general-purpose
 * table for config lookups; the client's request path uses its own allocation-free structure.
 *
 * <p>Thread-safe (immutable once built).
 */
public final class CidrTable<T> {

  private final Map<Long, T>[] v4;       // index = prefix length 0..32
  private final Map<V6Key, T>[] v6;      // index = prefix length 0..128
  private final int[] v4Lengths;          // present lengths, longest first
  private final int[] v6Lengths;
  private final int size;

  private record V6Key(long high, long low) {}

  @SuppressWarnings("unchecked")
  private CidrTable(Map<Cidr, T> entries) {
    v4 = new Map[33];
    v6 = new Map[129];
    for (Map.Entry<Cidr, T> e : entries.entrySet()) {
      Cidr c = e.getKey();
      IpAddress n = c.network();
      if (n.isV4()) {
        v4[c.prefix()] = v4[c.prefix()] == null ? new HashMap<>() : v4[c.prefix()];
        v4[c.prefix()].put(n.low(), e.getValue());
      } else {
        v6[c.prefix()] = v6[c.prefix()] == null ? new HashMap<>() : v6[c.prefix()];
        v6[c.prefix()].put(new V6Key(n.high(), n.low()), e.getValue());
      }
    }
    v4Lengths = presentLengths(v4);
    v6Lengths = presentLengths(v6);
    size = entries.size();
  }

  private static int[] presentLengths(Map<?, ?>[] maps) {
    List<Integer> out = new ArrayList<>();
    for (int p = maps.length - 1; p >= 0; p--) {
      if (maps[p] != null) {
        out.add(p);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A table of these entries; later duplicates of the same block replace earlier ones. */
  public static <T> CidrTable<T> of(Map<Cidr, T> entries) {
    return new CidrTable<>(entries);
  }

  public static <T> CidrTable<T> empty() {
    return new CidrTable<>(Map.of());
  }

  public int size() {
    return size;
  }

  /** The value of the longest block containing {@code ip}, or {@code null}. */
  public T longestMatch(IpAddress ip) {
    return longestMatch(ip, v -> true);
  }

  /**
   * The value of the longest block containing {@code ip} whose value passes {@code accept}, or
   * {@code null}; used to skip expired entries and fall back to a shorter block.
   */
  public T longestMatch(IpAddress ip, Predicate<? super T> accept) {
    if (ip.isV4()) {
      long bits = ip.low();
      for (int p : v4Lengths) {
        long masked = p == 0 ? 0 : bits & ((0xFFFF_FFFFL << (32 - p)) & 0xFFFF_FFFFL);
        T t = v4[p].get(masked);
        if (t != null && accept.test(t)) {
          return t;
        }
      }
      return null;
    }
    for (int p : v6Lengths) {
      T t = v6[p].get(new V6Key(ip.high() & IpAddress.highMask(p), ip.low() & IpAddress.lowMask(p)));
      if (t != null && accept.test(t)) {
        return t;
      }
    }
    return null;
  }
}
