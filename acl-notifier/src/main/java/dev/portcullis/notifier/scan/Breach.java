package dev.portcullis.notifier.scan;

import dev.portcullis.address.Cidr;

/**
 * A target whose count in one window exceeded its limit: the evidence for an intercept.
 *
 * @param window "1s" or "1m"
 * @param rule   which limit applied ("shop default", "shop 198.51.100.7/32", "global default", "prefix")
 */
public record Breach(String app, Cidr target, String window, long windowStart, long count, long limit, String rule) {

  /** Human-readable evidence, e.g. {@code 84 req/s > 50 req/s (shop default)}. */
  public String reason() {
    String unit = window.equals("1s") ? "req/s" : "req/min";
    return count + " " + unit + " > " + limit + " " + unit + " (" + rule + ")";
  }
}
