package dev.portcullis.config.store;

/** A compare-and-set write lost a race, or a create found the document already there. */
public final class ConfigConflictException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConfigConflictException(String message) {
    super(message);
  }
}
