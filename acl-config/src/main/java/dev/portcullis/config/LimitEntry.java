package dev.portcullis.config;

import dev.portcullis.address.Cidr;

/**
 * A limit for one IP or block in one app ({@code /portcullis/apps/<app>/limits/<entry>}). The most
 * specific (longest) matching prefix wins over the app and global defaults.
 */
public record LimitEntry(Cidr cidr, Long limitPerSecond, Long limitPerMinute) {

  public LimitEntry {
    if (cidr == null) {
      throw new IllegalArgumentException("cidr must not be null");
    }
    Limits.checkPositive("limitPerSecond", limitPerSecond);
    Limits.checkPositive("limitPerMinute", limitPerMinute);
    if (limitPerSecond == null && limitPerMinute == null) {
      throw new IllegalArgumentException("a limit entry needs limitPerSecond or limitPerMinute");
    }
  }
}
