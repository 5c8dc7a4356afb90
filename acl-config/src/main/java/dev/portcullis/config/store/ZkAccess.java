package dev.portcullis.config.store;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * How Portcullis talks to ZooKeeper: the connect string, and whether znodes are protected by ACLs.
 * With ACLs enabled, everything the store creates is writable only by the digest identity
 * {@code user:password}, and readable by anyone ({@code openReads}) or by that identity only.
 *
 * @param credentials {@code user:password} for digest auth, or {@code null}
 */
public record ZkAccess(String connectString, boolean aclEnabled, String credentials, boolean openReads,
    Duration sessionTimeout) {

  public ZkAccess {
    if (connectString == null || connectString.isBlank()) {
      throw new IllegalArgumentException("ZooKeeper connect string must not be empty");
    }
    if (credentials != null && (credentials.indexOf(':') <= 0 || credentials.endsWith(":"))) {
      throw new IllegalArgumentException("ZooKeeper credentials must be user:password");
    }
    if (sessionTimeout == null || sessionTimeout.toMillis() < 1000) {
      throw new IllegalArgumentException("sessionTimeout must be at least 1 s, was " + sessionTimeout);
    }
  }

  /** Open access (no ACLs), default session timeout. */
  public static ZkAccess open(String connectString) {
    return new ZkAccess(connectString, false, null, true, Duration.ofSeconds(15));
  }

  public boolean canWrite() {
    return !aclEnabled || credentials != null;
  }

  /** The ACL for znodes the store creates. */
  public List<ACL> aclForCreate() {
    if (!aclEnabled) {
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
    if (openReads) {
      acl.add(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    }
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
    return b.build();
  }
}
