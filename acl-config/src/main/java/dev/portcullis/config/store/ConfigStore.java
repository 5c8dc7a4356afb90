package dev.portcullis.config.store;

import dev.portcullis.address.Cidr;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.LimitEntry;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.ListKind;
import dev.portcullis.keys.ZkPaths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;

/**
 * Reads and writes the configuration documents in ZooKeeper.
 *
 * <p>Every write is of a validated record (the records validate in their constructors, the codec
 * reads strictly), so nothing invalid is ever written by this class. Policy writes are
 * compare-and-set on the znode version: pass the version you read, and a concurrent change by
 * someone else fails with {@link ConfigConflictException} instead of being overwritten. Entry adds
 * fail if the entry exists unless {@code replace} is set.
 *
 * <p>Thread-safe; uses the caller's started {@link CuratorFramework}, which it does not close.
 */
public final class ConfigStore {

  private final ZkPaths paths;
  private final ConfigCodec codec;
  private final Znodes znodes;
  private final ZkAccess access;

  public ConfigStore(CuratorFramework curator, ZkPaths paths, ConfigCodec codec, ZkAccess access) {
    this.access = access;
    this.paths = paths;
    this.codec = codec;
    this.znodes = new Znodes(curator, access);
  }

  public ZkPaths paths() {
    return paths;
  }

  // ---- policies

  public Versioned<GlobalPolicy> globalPolicy() {
    return znodes.read(paths.globalPolicy(), GlobalPolicy.DEFAULT, codec::readGlobalPolicy);
  }

  /** Writes the global policy if its znode is still at {@code expectedVersion} ({@link Versioned#ABSENT}: must not exist). */
  public void setGlobalPolicy(GlobalPolicy policy, int expectedVersion) {
    znodes.writeCas(paths.globalPolicy(), codec.write(policy), expectedVersion);
  }

  /** The global policy's znode version, readable even while its document is invalid (to overwrite it). */
  public int globalPolicyVersion() {
    return znodes.version(paths.globalPolicy());
  }

  /** An app policy's znode version, readable even while its document is invalid (to overwrite it). */
  public int appPolicyVersion(String app) {
    return znodes.version(paths.appPolicy(app));
  }

  public Versioned<AppPolicy> appPolicy(String app) {
    return znodes.read(paths.appPolicy(app), AppPolicy.DEFAULT, codec::readAppPolicy);
  }

  public void setAppPolicy(String app, AppPolicy policy, int expectedVersion) {
    znodes.writeCas(paths.appPolicy(app), codec.write(policy), expectedVersion);
    ensureRegistrations(app);
  }

  /**
   * In a tree with digest ACLs, the app's {@code nodes} folder with {@link ZkAccess#registrationAcl()},
   * so that its services (which hold no writer identity) can register; nothing in an open tree.
   */
  private void ensureRegistrations(String app) {
    if (app != null && access.znodeAcl() == ZkAccess.ZnodeAcl.ADMIN_WRITES) {
      znodes.createIfMissing(paths.nodes(app), access.registrationAcl());
    }
  }

  /**
   * Creates the empty folders of the layout that are missing ({@code global/allow}, {@code global/deny},
   * {@code apps}), so that a tree written by hand (zkCli) finds its parents. Idempotent; creates
   * nothing that exists and writes no document.
   *
   * @return how many folders it created
   */
  public int ensureLayout() {
    int created = 0;
    for (String path : List.of(paths.list(null, ListKind.ALLOW), paths.list(null, ListKind.DENY), paths.limits(null),
        paths.apps())) {
      created += znodes.createIfMissing(path) ? 1 : 0;
    }
    for (String app : apps()) {
      ensureRegistrations(app);
    }
    return created;
  }

  /**
   * The folders of the layout (root, {@code global}, its lists, {@code apps}) that anyone may change:
   * a tree first written open (by a CLI without credentials, or before ACLs were on) stays so until
   * an admin sets its ACLs. Empty when every one is protected or absent.
   */
  public List<String> worldWritableFolders() {
    List<String> open = new ArrayList<>();
    for (String path : List.of(paths.root(), paths.global(), paths.list(null, ListKind.ALLOW),
        paths.list(null, ListKind.DENY), paths.limits(null), paths.apps())) {
      if (znodes.worldWritable(path)) {
        open.add(path);
      }
    }
    return open;
  }

  /**
   * Confirms the tree as it is now to every watcher holding back a vanished or mass-deleted tree:
   * writes {@code <root>/confirm} with the number of rules in force, counted as the watchers count
   * them (list entries not expired, limits, one per app with any document). Creates the root if it
   * was deleted (its count is then 0).
   *
   * @return the count written
   */
  public int confirmTree(long nowMillis) {
    int n = active(list(null, ListKind.ALLOW), nowMillis) + active(list(null, ListKind.DENY), nowMillis)
        + limits(null).size();
    for (String app : apps()) {
      int limits = limits(app).size();
      List<ListEntry> allow = list(app, ListKind.ALLOW);
      List<ListEntry> deny = list(app, ListKind.DENY);
      int entries = active(allow, nowMillis) + active(deny, nowMillis);
      int all = allow.size() + deny.size();
      boolean hasDocument = appPolicy(app).version() != Versioned.ABSENT || limits > 0 || all > 0;
      n += hasDocument ? 1 + limits + entries : 0;
    }
    znodes.upsert(paths.root() + "/confirm", Integer.toString(n).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return n;
  }

  private static int active(List<ListEntry> entries, long nowMillis) {
    return (int) entries.stream().filter(e -> e.isActiveAt(nowMillis)).count();
  }

  /** Apps that have a znode under {@code /apps}. */
  public List<String> apps() {
    return znodes.children(paths.apps());
  }

  // ---- limits

  public List<LimitEntry> limits(String app) {
    List<LimitEntry> out = new ArrayList<>();
    for (String name : znodes.children(paths.limits(app))) {
      String path = paths.limits(app) + "/" + name;
      Versioned<LimitEntry> v = znodes.read(path, null, codec::readLimitEntry);
      if (v.value() != null) {
        out.add(v.value());
      }
    }
    out.sort(Comparator.comparing(l -> l.cidr().toString()));
    return out;
  }

  /** Creates or replaces the limit for one block of one app ({@code app == null}: of every app). */
  public void setLimit(String app, LimitEntry limit) {
    znodes.upsert(paths.limit(app, limit.cidr()), codec.write(limit));
    if (app != null) {
      ensureRegistrations(app);
    }
  }

  /** @return false if there was no such limit */
  public boolean removeLimit(String app, Cidr cidr) {
    return znodes.delete(paths.limit(app, cidr));
  }

  // ---- allow / deny lists

  /** The entries of one list ({@code app == null}: global), expired ones included. */
  public List<ListEntry> list(String app, ListKind kind) {
    return storedEntries(app, kind).stream().map(StoredEntry::entry).toList();
  }

  /** A list entry with the znode it was read from, for conditional deletes. */
  public record StoredEntry(String path, int version, ListEntry entry) {}

  /**
   * The entries of one list with their paths and versions, sorted by block.
   *
   * @throws dev.portcullis.json.InvalidDocumentException at the first invalid entry document
   */
  public List<StoredEntry> storedEntries(String app, ListKind kind) {
    return storedEntries(app, kind, e -> {
      throw e;
    });
  }

  /** Like {@link #storedEntries(String, ListKind)}, handing invalid documents to {@code onInvalid} and going on. */
  public List<StoredEntry> storedEntries(String app, ListKind kind,
      java.util.function.Consumer<dev.portcullis.json.InvalidDocumentException> onInvalid) {
    List<StoredEntry> out = new ArrayList<>();
    String dir = paths.list(app, kind);
    for (String bucket : znodes.children(dir)) {
      for (String name : znodes.children(dir + "/" + bucket)) {
        String path = dir + "/" + bucket + "/" + name;
        try {
          Versioned<ListEntry> v = znodes.read(path, null, codec::readListEntry);
          if (v.value() != null) {
            out.add(new StoredEntry(path, v.version(), v.value()));
          }
        } catch (dev.portcullis.json.InvalidDocumentException e) {
          onInvalid.accept(e);
        }
      }
    }
    out.sort(Comparator.comparing(e -> e.entry().cidr().toString()));
    return out;
  }

  /**
   * Adds an entry to a list.
   *
   * @throws ConfigConflictException if the block is already listed and {@code replace} is false
   */
  public void addEntry(String app, ListKind kind, ListEntry entry, boolean replace) {
    String path = paths.listEntry(app, kind, entry.cidr());
    if (replace) {
      znodes.upsert(path, codec.write(entry));
    } else {
      znodes.writeCas(path, codec.write(entry), Versioned.ABSENT);
    }
    ensureRegistrations(app);
  }

  /**
   * Removes a block from a list, wherever it was written: at its own path (the CLI, the API), or in
   * any other bucket (zkCli, by hand), found by listing the buckets' names (no document is read).
   *
   * @return false if the block was not listed
   */
  public boolean removeEntry(String app, ListKind kind, Cidr cidr) {
    if (znodes.delete(paths.listEntry(app, kind, cidr))) {
      return true;
    }
    boolean removed = false;
    String dir = paths.list(app, kind);
    for (String bucket : znodes.children(dir)) {
      for (String name : znodes.children(dir + "/" + bucket)) {
        Cidr named;
        try {
          named = ZkPaths.parseEntryName(name);
        } catch (IllegalArgumentException e) {
          continue; // not an entry's name: reported by the watchers, not ours to remove
        }
        if (named.equals(cidr)) {
          removed |= znodes.delete(dir + "/" + bucket + "/" + name);
        }
      }
    }
    return removed;
  }

  /**
   * Deletes one list entry only if it is still the version that was read, so that an entry renewed
   * concurrently is not removed by a janitor that saw the old one.
   */
  public boolean removeEntryIfUnchanged(String path, int version) {
    return znodes.deleteIfUnchanged(path, version);
  }

  // ---- whole tree

  /** Reads everything directly from ZooKeeper (not through a cache). */
  public ConfigSnapshot readAll() {
    List<ListEntry> gAllow = list(null, ListKind.ALLOW);
    List<ListEntry> gDeny = list(null, ListKind.DENY);
    Map<String, AppConfig> apps = new TreeMap<>();
    for (String app : apps()) {
      apps.put(app, new AppConfig(app, appPolicy(app).value(), limits(app), list(app, ListKind.ALLOW),
          list(app, ListKind.DENY)));
    }
    return new ConfigSnapshot(globalPolicy().value(), gAllow, gDeny, limits(null), apps, 0);
  }

  /**
   * Writes every document of {@code tree} (policies overwrite, entries upsert). With {@code prune},
   * also deletes limits and list entries that the tree does not contain, so that ZooKeeper ends up
   * equal to the tree.
   */
  public void importTree(ConfigSnapshot tree, boolean prune) {
    znodes.requireWritable();
    znodes.upsert(paths.globalPolicy(), codec.write(tree.global()));
    importList(null, ListKind.ALLOW, tree.globalAllow(), prune);
    importList(null, ListKind.DENY, tree.globalDeny(), prune);
    importLimits(null, tree.globalLimits(), prune);
    for (AppConfig a : tree.apps().values()) {
      znodes.upsert(paths.appPolicy(a.app()), codec.write(a.policy()));
      ensureRegistrations(a.app());
      importLimits(a.app(), a.limits(), prune);
      importList(a.app(), ListKind.ALLOW, a.allow(), prune);
      importList(a.app(), ListKind.DENY, a.deny(), prune);
    }
  }

  private void importLimits(String app, List<LimitEntry> limits, boolean prune) {
    Set<Cidr> keep = new HashSet<>();
    for (LimitEntry l : limits) {
      setLimit(app, l);
      keep.add(l.cidr());
    }
    if (prune) {
      for (LimitEntry l : limits(app)) {
        if (!keep.contains(l.cidr())) {
          removeLimit(app, l.cidr());
        }
      }
    }
  }

  /**
   * What {@link #importTree(ConfigSnapshot, boolean) importTree(tree, true)} would delete: the limits
   * and list entries of the tree's scopes that the tree does not contain, e.g. {@code shop deny 198.51.100.0/24}.
   */
  public List<String> pruneCandidates(ConfigSnapshot tree) {
    List<String> out = new ArrayList<>();
    pruneCandidates(null, ListKind.ALLOW, tree.globalAllow(), out);
    pruneCandidates(null, ListKind.DENY, tree.globalDeny(), out);
    limitPruneCandidates(null, tree.globalLimits(), out);
    for (AppConfig a : tree.apps().values()) {
      limitPruneCandidates(a.app(), a.limits(), out);
      pruneCandidates(a.app(), ListKind.ALLOW, a.allow(), out);
      pruneCandidates(a.app(), ListKind.DENY, a.deny(), out);
    }
    return out;
  }

  private void limitPruneCandidates(String app, List<LimitEntry> limits, List<String> out) {
    Set<Cidr> keep = new HashSet<>();
    limits.forEach(l -> keep.add(l.cidr()));
    for (LimitEntry l : limits(app)) {
      if (!keep.contains(l.cidr())) {
        out.add((app == null ? "global" : app) + " limit " + l.cidr());
      }
    }
  }

  private void pruneCandidates(String app, ListKind kind, List<ListEntry> entries, List<String> out) {
    Set<Cidr> keep = new HashSet<>();
    entries.forEach(e -> keep.add(e.cidr()));
    for (ListEntry e : list(app, kind)) {
      if (!keep.contains(e.cidr())) {
        out.add((app == null ? "global" : app) + " " + kind.node() + " " + e.cidr());
      }
    }
  }

  private void importList(String app, ListKind kind, List<ListEntry> entries, boolean prune) {
    Set<Cidr> keep = new HashSet<>();
    for (ListEntry e : entries) {
      addEntry(app, kind, e, true);
      keep.add(e.cidr());
    }
    if (prune) {
      for (ListEntry e : list(app, kind)) {
        if (!keep.contains(e.cidr())) {
          removeEntry(app, kind, e.cidr());
        }
      }
    }
  }
}
