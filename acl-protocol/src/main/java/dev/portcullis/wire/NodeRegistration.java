package dev.portcullis.wire;

import dev.portcullis.keys.Identifiers;

/**
 * The content of the ephemeral znode {@code /apps/<app>/nodes/<node>} that a live client keeps.
 *
 * @param version   the Portcullis client version
 * @param startedAt epoch ms at which the client started
 */
public record NodeRegistration(String app, String node, String version, long startedAt) {

  public static final int VERSION = 1;

  public NodeRegistration {
    Identifiers.requireApp("app", app);
    Identifiers.requireNode("node", node);
    if (version == null || version.isEmpty() || version.length() > 64) {
      throw new IllegalArgumentException("version must be 1-64 characters, was " + version);
    }
    if (startedAt < 0) {
      throw new IllegalArgumentException("startedAt must be >= 0, was " + startedAt);
    }
  }
}
