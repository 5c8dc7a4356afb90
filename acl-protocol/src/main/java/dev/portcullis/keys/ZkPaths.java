package dev.portcullis.keys;

import dev.portcullis.address.Cidr;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Every ZooKeeper path Portcullis uses, under a configurable root (default {@code /portcullis}).
 *
 * <pre>
 * root/global/policy
 * root/global/allow|deny/&lt;bucket&gt;/&lt;entry&gt;
 * root/global/limits/&lt;entry&gt;
 * root/apps/&lt;app&gt;/policy
 * root/apps/&lt;app&gt;/limits/&lt;entry&gt;
 * root/apps/&lt;app&gt;/allow|deny/&lt;bucket&gt;/&lt;entry&gt;
 * root/apps/&lt;app&gt;/nodes/&lt;node&gt;
 * root/notifier/leader
 * </pre>
 *
 * {@code <entry>} is the CIDR with '/' written as '_'; {@code <bucket>} is two hex digits of the
 * CRC-32 of the entry name, which keeps child listings small. Readers accept any bucket name.
 */
public final class ZkPaths {

  public static final String DEFAULT_ROOT = "/portcullis";

  private final String root;

  public ZkPaths(String root) {
    if (root == null || !root.startsWith("/") || root.length() < 2 || root.endsWith("/") || root.contains("//")) {
      throw new IllegalArgumentException("ZooKeeper root must be an absolute path like /portcullis, was " + root);
    }
    this.root = root;
  }

  public ZkPaths() {
    this(DEFAULT_ROOT);
  }

  public String root() {
    return root;
  }

  public String global() {
    return root + "/global";
  }

  public String globalPolicy() {
    return global() + "/policy";
  }

  public String apps() {
    return root + "/apps";
  }

  public String app(String app) {
    return apps() + "/" + Identifiers.requireApp("app", app);
  }

  public String appPolicy(String app) {
    return app(app) + "/policy";
  }

  /** The limits folder of a scope: {@code app == null} is global (limits for an address in every app). */
  public String limits(String app) {
    return (app == null ? global() : app(app)) + "/limits";
  }

  public String limit(String app, Cidr cidr) {
    return limits(app) + "/" + entryName(cidr);
  }

  /** The list folder of a scope: {@code app == null} is global. */
  public String list(String app, ListKind kind) {
    return (app == null ? global() : app(app)) + "/" + kind.node();
  }

  public String listEntry(String app, ListKind kind, Cidr cidr) {
    String name = entryName(cidr);
    return list(app, kind) + "/" + bucket(name) + "/" + name;
  }

  public String nodes(String app) {
    return app(app) + "/nodes";
  }

  public String node(String app, String node) {
    return nodes(app) + "/" + Identifiers.requireNode("node", node);
  }

  public String notifierLeader() {
    return root + "/notifier/leader";
  }

  /** {@code 10.0.0.0/8} → {@code 10.0.0.0_8}. */
  public static String entryName(Cidr cidr) {
    return cidr.network() + "_" + cidr.prefix();
  }

  /**
   * {@code 10.0.0.0_8} → {@code 10.0.0.0/8}.
   *
   * @throws IllegalArgumentException if the name is not an entry name
   */
  public static Cidr parseEntryName(String name) {
    int us = name == null ? -1 : name.lastIndexOf('_');
    if (us <= 0) {
      throw new IllegalArgumentException("entry name \"" + name + "\" must be <address>_<prefix>, such as 10.0.0.0_8");
    }
    return Cidr.parse(name.substring(0, us) + "/" + name.substring(us + 1));
  }

  /** Two hex digits of a stable hash of the entry name. */
  public static String bucket(String entryName) {
    CRC32 crc = new CRC32();
    crc.update(entryName.getBytes(StandardCharsets.US_ASCII));
    return String.format("%02x", crc.getValue() & 0xFF);
  }
}
