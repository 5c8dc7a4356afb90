package dev.portcullis.client.http;

/**
 * The IETF httpapi draft's {@code RateLimit} response header on a limited answer:
 * {@code "portcullis";r=0;t=<seconds>} (policy "portcullis", nothing remaining, reset when the deciding
 * rule lapses). An option of the filters and the gate; {@code Retry-After} is always sent.
 */
public final class RateLimitHeader {

  public static final String NAME = "RateLimit";

  private RateLimitHeader() {}

  /** The header's value for a limit that lapses in {@code retrySeconds} (at least 1). */
  public static String value(long retrySeconds) {
    return "\"portcullis\";r=0;t=" + Math.max(1, retrySeconds);
  }
}
