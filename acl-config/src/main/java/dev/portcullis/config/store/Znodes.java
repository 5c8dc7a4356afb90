package dev.portcullis.config.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * The znode operations the store is built of: a versioned read, a sorted child listing, a
 * compare-and-set write, an upsert and a delete, each creating with the access's ACL and turning
 * ZooKeeper's errors into {@link ConfigConflictException} (someone else changed it) or
 * {@link ConfigStoreException} (ZooKeeper away or refusing), with the path named. Thread-safe.
 */
final class Znodes {

  private final CuratorFramework curator;
  private final ZkAccess access;

  Znodes(CuratorFramework curator, ZkAccess access) {
    this.curator = curator;
    this.access = access;
  }


  <T> Versioned<T> read(String path, T absent, BiFunction<byte[], String, T> reader) {
    try {
      Stat stat = new Stat();
      byte[] data = curator.getData().storingStatIn(stat).forPath(path);
      return new Versioned<>(reader.apply(data, path), stat.getVersion());
    } catch (KeeperException.NoNodeException e) {
      return new Versioned<>(absent, Versioned.ABSENT);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw failure("read " + path, e);
    }
  }

  /** The znode's data version, without reading its document; {@link Versioned#ABSENT} if it does not exist. */
  int version(String path) {
    try {
      Stat stat = curator.checkExists().forPath(path);
      return stat == null ? Versioned.ABSENT : stat.getVersion();
    } catch (Exception e) {
      throw failure("read " + path, e);
    }
  }

  List<String> children(String path) {
    try {
      List<String> c = new ArrayList<>(curator.getChildren().forPath(path));
      c.sort(null);
      return c;
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    } catch (Exception e) {
      throw failure("list " + path, e);
    }
  }

  void writeCas(String path, byte[] data, int expectedVersion) {
    requireWritable();
    try {
      if (expectedVersion == Versioned.ABSENT) {
        curator.create().creatingParentsIfNeeded().withACL(access.aclForCreate(), true).forPath(path, data);
      } else {
        curator.setData().withVersion(expectedVersion).forPath(path, data);
      }
    } catch (KeeperException.NodeExistsException e) {
      throw new ConfigConflictException(path + " already exists; read it and write again with its version (or replace it)");
    } catch (KeeperException.BadVersionException e) {
      throw new ConfigConflictException(path + " was changed by someone else since version " + expectedVersion
          + "; read it again and retry");
    } catch (KeeperException.NoNodeException e) {
      throw new ConfigConflictException(path + " was deleted by someone else since version " + expectedVersion);
    } catch (Exception e) {
      throw failure("write " + path, e);
    }
  }

  void upsert(String path, byte[] data) {
    requireWritable();
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        curator.setData().forPath(path, data);
        return;
      } catch (KeeperException.NoNodeException e) {
        try {
          curator.create().creatingParentsIfNeeded().withACL(access.aclForCreate(), true).forPath(path, data);
          return;
        } catch (KeeperException.NodeExistsException raced) {
          // created concurrently; set it on the next attempt
        } catch (Exception ex) {
          throw failure("write " + path, ex);
        }
      } catch (Exception e) {
        throw failure("write " + path, e);
      }
    }
    throw new ConfigConflictException(path + " kept changing while being written");
  }

  /** Deletes {@code path} only at {@code version}; false if it is gone or was changed since. */
  boolean deleteIfUnchanged(String path, int version) {
    requireWritable();
    try {
      curator.delete().withVersion(version).forPath(path);
      return true;
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
      return false;
    } catch (Exception e) {
      throw failure("delete " + path, e);
    }
  }

  /** Creates {@code path} (and its parents) empty if it does not exist; true iff it created it. */
  boolean createIfMissing(String path) {
    return createIfMissing(path, access.aclForCreate());
  }

  /** {@link #createIfMissing(String)} with {@code acl} for {@code path} itself (its parents get the access's). */
  boolean createIfMissing(String path, List<ACL> acl) {
    requireWritable();
    try {
      int slash = path.lastIndexOf('/');
      if (slash > 0 && curator.checkExists().forPath(path.substring(0, slash)) == null) {
        createIfMissing(path.substring(0, slash));
      }
      curator.create().withACL(acl).forPath(path, new byte[0]);
      return true;
    } catch (KeeperException.NodeExistsException e) {
      return false;
    } catch (Exception e) {
      throw failure("create " + path, e);
    }
  }

  boolean delete(String path) {
    requireWritable();
    try {
      curator.delete().forPath(path);
      return true;
    } catch (KeeperException.NoNodeException e) {
      return false;
    } catch (Exception e) {
      throw failure("delete " + path, e);
    }
  }

  /** True iff {@code path} exists and its ACL lets anyone write, create or delete. */
  boolean worldWritable(String path) {
    try {
      for (ACL a : curator.getACL().forPath(path)) {
        if (a.getId().equals(ZooDefs.Ids.ANYONE_ID_UNSAFE)
            && (a.getPerms() & (ZooDefs.Perms.WRITE | ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE)) != 0) {
          return true;
        }
      }
      return false;
    } catch (KeeperException.NoNodeException e) {
      return false;
    } catch (Exception e) {
      throw failure("read the ACL of " + path, e);
    }
  }

  void requireWritable() {
    if (!access.canWrite()) {
      throw new ConfigStoreException("ZooKeeper ACLs are enabled but no credentials (user:password) are configured;"
          + " refusing to write (the CLI reads them from $PORTCULLIS_ZK_AUTH or --auth-file)");
    }
  }

  private static ConfigStoreException failure(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    if (e instanceof KeeperException.NoAuthException) {
      return new ConfigStoreException("not authorised to " + what + ": the tree is writable only by its admin identity;"
          + " check the ZooKeeper credentials (the CLI reads them from $PORTCULLIS_ZK_AUTH or --auth-file)", e);
    }
    return new ConfigStoreException("could not " + what + ": " + e, e);
  }
}
