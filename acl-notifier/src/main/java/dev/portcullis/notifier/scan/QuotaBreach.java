package dev.portcullis.notifier.scan;

/**
 * A caller that used more than its daily quota on one interface: the evidence for a quota notice.
 *
 * @param day       the calendar day as yyyymmdd in the quota zone
 * @param endOfDay  epoch ms at which that day ends in the quota zone, when the quota resets
 * @param rule      which quota applied, e.g. {@code quota * on GET /export}
 */
public record QuotaBreach(String app, String caller, String iface, int day, long endOfDay, long count, long perDay,
    String rule) {

  /** Human-readable evidence, e.g. {@code 10004 req/day > 10000 req/day (quota * on GET /export)}. */
  public String reason() {
    return count + " req/day > " + perDay + " req/day (" + rule + ")";
  }
}
