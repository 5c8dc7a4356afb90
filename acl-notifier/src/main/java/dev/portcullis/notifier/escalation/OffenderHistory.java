package dev.portcullis.notifier.escalation;

/**
 * What the notifier remembers of one offender (one target in one app): the level of its last
 * intercept, when that was issued, and when it ends or ended ({@code null}: permanent).
 */
public record OffenderHistory(int level, long lastIssuedAt, Long lastExpiresAt) {

  public OffenderHistory {
    if (level < 1) {
      throw new IllegalArgumentException("level must be >= 1, was " + level);
    }
  }
}
