package dev.portcullis.config.store;

/** ZooKeeper could not be read or written (unreachable, refused, interrupted). */
public final class ConfigStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConfigStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public ConfigStoreException(String message) {
    super(message);
  }
}
