package dev.portcullis.keys;

/** The two kinds of address list. */
public enum ListKind {
  ALLOW("allow"),
  DENY("deny");

  private final String node;

  ListKind(String node) {
    this.node = node;
  }

  /** The znode name of this list under a scope. */
  public String node() {
    return node;
  }
}
