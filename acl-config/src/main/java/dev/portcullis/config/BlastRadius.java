package dev.portcullis.config;

import dev.portcullis.address.Cidr;
import dev.portcullis.keys.ListKind;

/**
 * How much one change may refuse or admit without an admin forcing it: no deny entry or intercept
 * wider than /16 (IPv4) or /48 (IPv6), no allow entry wider than /8 or /32, no intercept for every
 * app. Each refusal says why and how to force the change. Shared by the API and the CLI.
 *
 * @param denyFloorV4  the widest IPv4 block a deny entry or intercept may cover
 * @param denyFloorV6  the same for IPv6
 * @param allowFloorV4 the widest IPv4 block an allow entry may cover
 * @param allowFloorV6 the same for IPv6
 */
public record BlastRadius(int denyFloorV4, int denyFloorV6, int allowFloorV4, int allowFloorV6) {

  public static final BlastRadius DEFAULT = new BlastRadius(16, 48, 8, 32);

  public BlastRadius {
    check("denyFloorV4", denyFloorV4, 32);
    check("allowFloorV4", allowFloorV4, 32);
    check("denyFloorV6", denyFloorV6, 128);
    check("allowFloorV6", allowFloorV6, 128);
  }

  private static void check(String field, int prefix, int max) {
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException(field + " must be between 0 and " + max + ", was " + prefix);
    }
  }

  /** Why adding {@code cidr} to a list needs forcing, or null if it does not. */
  public String listRefusal(ListKind kind, Cidr cidr) {
    boolean v4 = cidr.network().isV4();
    if (kind == ListKind.DENY) {
      int floor = v4 ? denyFloorV4 : denyFloorV6;
      return cidr.prefix() < floor ? "a deny entry for " + cidr + " is wider than /" + floor + " and would refuse "
          + size(cidr) + " addresses" : null;
    }
    int floor = v4 ? allowFloorV4 : allowFloorV6;
    return cidr.prefix() < floor ? "an allow entry for " + cidr + " is wider than /" + floor + " and would let "
        + size(cidr) + " addresses past every rule" : null;
  }

  /** Why a manual intercept of {@code target} for {@code app} needs forcing, or null if it does not. */
  public String interceptRefusal(String app, Cidr target) {
    if ("*".equals(app)) {
      return "an intercept for every app (*) refuses " + target + " on every service";
    }
    int floor = target.network().isV4() ? denyFloorV4 : denyFloorV6;
    return target.prefix() < floor ? "an intercept of " + target + " is wider than /" + floor + " and would refuse "
        + size(target) + " addresses" : null;
  }

  private static String size(Cidr c) {
    int bits = (c.network().isV4() ? 32 : 128) - c.prefix();
    return bits < 63 ? String.format("%,d", 1L << bits) : "2^" + bits;
  }
}
