package dev.portcullis.client.notice;

import dev.portcullis.address.Cidr;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.wire.InterceptNotice;

/**
 * What a client accepts from the notices topic, whoever wrote it: defence in depth against a forged
 * or mistaken notice that would refuse a whole network, and a bound on the memory notices take.
 *
 * @param minPrefixV4         no notice denies an IPv4 block wider than this (default /16)
 * @param minPrefixV6         no notice denies an IPv6 block wider than this (default /48)
 * @param minAllAppsPrefixV4  a notice for every app ({@code *}) denies nothing wider than this (default /24)
 * @param minAllAppsPrefixV6  the same for IPv6 (default /64)
 * @param allowWide           true: the deployment opts out of the prefix floors (not the cap)
 * @param maxActive           notices held at most; beyond, new ones are refused and counted (default 1,000,000)
 */
public record NoticeGuard(int minPrefixV4, int minPrefixV6, int minAllAppsPrefixV4, int minAllAppsPrefixV6,
    boolean allowWide, int maxActive) {

  public static final NoticeGuard DEFAULT = new NoticeGuard(16, 48, 24, 64, false, 1_000_000);

  public NoticeGuard {
    check("minPrefixV4", minPrefixV4, 32);
    check("minAllAppsPrefixV4", minAllAppsPrefixV4, 32);
    check("minPrefixV6", minPrefixV6, 128);
    check("minAllAppsPrefixV6", minAllAppsPrefixV6, 128);
    if (maxActive < 1) {
      throw new IllegalArgumentException("maxActive must be >= 1, was " + maxActive);
    }
  }

  private static void check(String field, int prefix, int max) {
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException(field + " must be between 0 and " + max + ", was " + prefix);
    }
  }

  /** Why {@code notice} is refused, or null if it is accepted (quota notices deny no address). */
  String refusal(InterceptNotice notice) {
    Cidr target = notice.target();
    if (allowWide || target == null) {
      return null;
    }
    boolean v4 = target.network().isV4();
    int floor = v4 ? minPrefixV4 : minPrefixV6;
    if (target.prefix() < floor) {
      return target + " is wider than /" + floor + ", the widest block a notice may deny";
    }
    int allAppsFloor = v4 ? minAllAppsPrefixV4 : minAllAppsPrefixV6;
    if (KafkaKeys.ALL_APPS.equals(notice.app()) && target.prefix() < allAppsFloor) {
      return target + " for every app is wider than /" + allAppsFloor + ", the widest a notice for every app may deny";
    }
    return null;
  }
}
