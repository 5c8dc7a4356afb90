package dev.portcullis.config.store;

/**
 * A document and the ZooKeeper version it was read at, for compare-and-set writes.
 *
 * @param version the znode's data version, or {@link #ABSENT} if the znode does not exist (the value
 *                is then the default)
 */
public record Versioned<T>(T value, int version) {

  public static final int ABSENT = -1;

  public boolean exists() {
    return version != ABSENT;
  }
}
