package dev.portcullis.config;

import dev.portcullis.keys.Identifiers;

/**
 * A daily quota: at most {@code perDay} requests per calendar day for one caller on one interface.
 * {@code *} as caller or iface means "each caller" / "each interface" separately, not their sum.
 */
public record Quota(String caller, String iface, long perDay) {

  public static final String ANY = "*";

  public Quota {
    Identifiers.requireLabel("caller", caller);
    Identifiers.requireLabel("iface", iface);
    if (perDay <= 0) {
      throw new IllegalArgumentException("perDay must be > 0, was " + perDay);
    }
  }

  public boolean matches(String aCaller, String anIface) {
    return (ANY.equals(caller) || caller.equals(aCaller)) && (ANY.equals(iface) || iface.equals(anIface));
  }
}
