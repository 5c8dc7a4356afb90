package dev.portcullis.aggregator;

import java.util.List;

/**
 * The prefix lengths the aggregator counts beside each address: every request adds to its address's
 * windows and to one prefix of each length here. Prefixes at or inside the partitioning block (IPv4
 * /24, IPv6 /64) are counted in the address's own task; wider ones from each task's share, summed in
 * the prefix's home task (one record per prefix and flush interval, whatever the traffic).
 *
 * @param ipv4 IPv4 lengths, 8-32, at most 4, no repeats
 * @param ipv6 IPv6 lengths, 16-128, at most 4, no repeats
 */
public record PrefixLengths(List<Integer> ipv4, List<Integer> ipv6) {

  /** IPv4 /24 and /16, IPv6 /64, /56 and /48. */
  public static final PrefixLengths DEFAULT = new PrefixLengths(List.of(24, 16), List.of(64, 56, 48));

  public PrefixLengths {
    ipv4 = check("ipv4Prefixes", ipv4, 8, 32);
    ipv6 = check("ipv6Prefixes", ipv6, 16, 128);
  }

  private static List<Integer> check(String name, List<Integer> lengths, int min, int max) {
    if (lengths == null || lengths.size() > 4) {
      throw new IllegalArgumentException(name + " must list 0-4 prefix lengths, was " + lengths);
    }
    for (int i = 0; i < lengths.size(); i++) {
      Integer l = lengths.get(i);
      if (l == null || l < min || l > max) {
        throw new IllegalArgumentException(name + " must hold lengths " + min + "-" + max + ", was " + l);
      }
      if (lengths.subList(0, i).contains(l)) {
        throw new IllegalArgumentException(name + " lists " + l + " twice");
      }
    }
    return List.copyOf(lengths);
  }

  /** The lengths as an array, for the per-record path. */
  int[] of(boolean v6) {
    return (v6 ? ipv6 : ipv4).stream().mapToInt(Integer::intValue).toArray();
  }
}
