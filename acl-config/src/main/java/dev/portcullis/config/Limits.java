package dev.portcullis.config;

/** Shared checks for rate limits. */
final class Limits {

  private Limits() {}

  static void checkPositive(String field, Long value) {
    if (value != null && value <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, was " + value);
    }
  }
}
