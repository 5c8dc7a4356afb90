package dev.portcullis.config.store;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * How Portcullis talks to ZooKeeper: the connect string, the identity it authenticates as, and the
 * ACL the store gives the znodes it creates. With {@link ZnodeAcl#ADMIN_WRITES} everything the store
 * creates is writable only by the digest identity {@code user:password} and readable by anyone.
 * {@link #toString()} never shows the password.
 *
 * <p>{@code clientConfig} holds ZooKeeper's own client properties ({@link ZKClientConfig}), e.g. for
 * TLS: {@code zookeeper.client.secure=true},
 * {@code zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty},
 * {@code zookeeper.ssl.trustStore.location}, {@code zookeeper.ssl.trustStore.type} (PEM, PKCS12, JKS);
 * for SASL: {@code zookeeper.sasl.clientconfig} naming the JAAS section. Properties whose name says
 * password are never shown.
 *
 * @param credentials  {@code user:password} for digest auth, or {@code null}
 * @param clientConfig ZooKeeper client properties, empty for a plaintext connection
 */
public record ZkAccess(String connectString, ZnodeAcl znodeAcl, String credentials, Duration sessionTimeout,
    Map<String, String> clientConfig) {

  /** The default session timeout. */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);

  /** The ACL of the znodes the store creates. */
  public enum ZnodeAcl {
    /** World-writable, ZooKeeper's default. */
    OPEN,
    /** Writable only by the digest identity of {@link #credentials}, readable by anyone. */
    ADMIN_WRITES
  }

  public ZkAccess {
    if (znodeAcl == null) {
      throw new IllegalArgumentException("znodeAcl must be OPEN or ADMIN_WRITES, was null");
    }
    if (connectString == null || connectString.isBlank()) {
      throw new IllegalArgumentException("ZooKeeper connect string must not be empty");
    }
    if (credentials != null && (credentials.indexOf(':') <= 0 || credentials.endsWith(":"))) {
      throw new IllegalArgumentException("ZooKeeper credentials must be user:password");
    }
    if (sessionTimeout == null || sessionTimeout.toMillis() < 1000) {
      throw new IllegalArgumentException("sessionTimeout must be at least 1 s, was " + sessionTimeout);
    }
    clientConfig = Map.copyOf(clientConfig == null ? Map.of() : clientConfig);
    for (String key : clientConfig.keySet()) {
      if (!key.startsWith("zookeeper.")) {
        throw new IllegalArgumentException("ZooKeeper client property " + key
            + " is not a ZooKeeper client setting (they start with zookeeper.)");
      }
    }
  }

  /** Plaintext, no client properties. */
  public ZkAccess(String connectString, ZnodeAcl znodeAcl, String credentials, Duration sessionTimeout) {
    this(connectString, znodeAcl, credentials, sessionTimeout, Map.of());
  }

  /** Open access (no ACLs, no identity), default session timeout. */
  public static ZkAccess open(String connectString) {
    return new ZkAccess(connectString, ZnodeAcl.OPEN, null, DEFAULT_SESSION_TIMEOUT, Map.of());
  }

  /** A reader's access: authenticated as {@code credentials} if given, creating nothing. */
  public static ZkAccess reader(String connectString, String credentials) {
    return new ZkAccess(connectString, ZnodeAcl.OPEN, credentials, DEFAULT_SESSION_TIMEOUT, Map.of());
  }

  /** The same access with another session timeout. */
  public ZkAccess withSessionTimeout(Duration timeout) {
    return new ZkAccess(connectString, znodeAcl, credentials, timeout, clientConfig);
  }

  /** The same access with these ZooKeeper client properties (TLS, SASL). */
  public ZkAccess withClientConfig(Map<String, String> properties) {
    return new ZkAccess(connectString, znodeAcl, credentials, sessionTimeout, properties);
  }

  public boolean canWrite() {
    return znodeAcl == ZnodeAcl.OPEN || credentials != null;
  }

  /** The ACL for znodes the store creates. */
  public List<ACL> aclForCreate() {
    if (znodeAcl == ZnodeAcl.OPEN) {
      return ZooDefs.Ids.OPEN_ACL_UNSAFE;
    }
    if (credentials == null) {
      throw new IllegalStateException("ACLs are enabled but no credentials are configured");
    }
    List<ACL> acl = new ArrayList<>();
    try {
      acl.add(new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest(credentials))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA1 is not available for ZooKeeper digest ACLs", e);
    }
    acl.add(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    return acl;
  }

  /**
   * The ACL of an app's {@code nodes} folder, where services register themselves (ephemeral znodes):
   * with {@link ZnodeAcl#ADMIN_WRITES}, the admin may do anything and anyone may read, create and
   * delete registrations (which change no decision), so that services need no writer identity.
   */
  public List<ACL> registrationAcl() {
    if (znodeAcl == ZnodeAcl.OPEN) {
      return ZooDefs.Ids.OPEN_ACL_UNSAFE;
    }
    List<ACL> acl = new ArrayList<>(aclForCreate());
    acl.set(1, new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    return acl;
  }

  /** A new, not yet started Curator client for this access. The caller owns and closes it. */
  public CuratorFramework newClient() {
    CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .sessionTimeoutMs((int) sessionTimeout.toMillis())
        .connectionTimeoutMs((int) Math.min(sessionTimeout.toMillis(), 10_000))
        .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000));
    if (credentials != null) {
      b.authorization("digest", credentials.getBytes(StandardCharsets.UTF_8));
    }
    if (znodeAcl == ZnodeAcl.ADMIN_WRITES && credentials != null) {
      // what Curator creates by itself (leader latch, parents) is writable only by this identity too
      List<ACL> acl = aclForCreate();
      b.aclProvider(new ACLProvider() {
        @Override
        public List<ACL> getDefaultAcl() {
          return acl;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
          return acl;
        }
      });
    }
    if (!clientConfig.isEmpty()) {
      ZKClientConfig zk = new ZKClientConfig();
      clientConfig.forEach(zk::setProperty);
      b.zkClientConfig(zk);
    }
    return b.build();
  }

  @Override
  public String toString() {
    String who = credentials == null ? "none" : credentials.substring(0, credentials.indexOf(':')) + ":****";
    return "ZkAccess[connectString=" + connectString + ", znodeAcl=" + znodeAcl + ", credentials=" + who
        + ", sessionTimeout=" + sessionTimeout + ", clientConfig=" + shownConfig() + "]";
  }

  private Map<String, String> shownConfig() {
    Map<String, String> shown = new TreeMap<>();
    clientConfig.forEach((k, v) -> shown.put(k, k.toLowerCase(Locale.ROOT).contains("password") ? "****" : v));
    return shown;
  }
}
