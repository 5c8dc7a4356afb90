package dev.portcullis.config.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.Ladder;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.ListKind;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.Versioned;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.servers.ZooKeeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RealServers.class)
class ConfigWatcherIT {

  private static final AtomicInteger ROOTS = new AtomicInteger();
  private static final IpAddress ADMIN = IpAddress.parse("203.0.113.9");

  private final ConfigCodec codec = new ConfigCodec();
  private final List<AutoCloseable> owned = new ArrayList<>();
  private ZooKeeper zk;
  private ZkPaths paths;

  @TempDir
  Path tmp;

  @BeforeEach
  void setUp(ZooKeeper zk) {
    this.zk = zk;
    this.paths = new ZkPaths("/watch" + ROOTS.incrementAndGet() + "-" + System.nanoTime());
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
  }

  private CuratorFramework client(Duration sessionTimeout) throws InterruptedException {
    CuratorFramework c = ZkAccess.open(zk.connectString()).withSessionTimeout(sessionTimeout).newClient();
    c.start();
    owned.add(c);
    c.blockUntilConnected((int) Timeouts.scaled(Duration.ofSeconds(20)).toMillis(), TimeUnit.MILLISECONDS);
    return c;
  }

  private ConfigStore store() throws InterruptedException {
    return new ConfigStore(client(Duration.ofSeconds(15)), paths, codec, ZkAccess.open(zk.connectString()));
  }

  private ConfigWatcher watcher(CuratorFramework c, SnapshotFile file) {
    ConfigWatcher w = new ConfigWatcher(c, paths, codec, file, Clock.systemUTC());
    owned.add(w);
    w.start();
    return w;
  }

  private static ListEntry entry(String cidr, Long expiresAt) {
    return new ListEntry(Cidr.parse(cidr), expiresAt, "", "it", 1_000);
  }

  @Test
  void storeWriteAndRawZkCliStyleWrite_bothReachARunningWatcher() throws Exception {
    ConfigStore store = store();
    ConfigWatcher w = watcher(client(Duration.ofSeconds(15)), null);
    Timeouts.await("first sync", Duration.ofSeconds(20), w::isSynced);

    store.addEntry("proxy", ListKind.ALLOW, entry("203.0.113.9/32", null), false);
    Timeouts.await("the allow entry in the snapshot", Duration.ofSeconds(10),
        () -> w.current().allowEntry("proxy", ADMIN, 0) != null);

    // what an operator would type in zkCli: create the znode with a JSON document by hand
    CuratorFramework raw = client(Duration.ofSeconds(15));
    String path = paths.root() + "/global/deny/zz/198.51.100.0_24";
    raw.create().creatingParentsIfNeeded().forPath(path,
        "{\"cidr\":\"198.51.100.0/24\",\"by\":\"zkcli\",\"createdAt\":1}".getBytes(StandardCharsets.UTF_8));
    Timeouts.await("the raw deny entry in the snapshot", Duration.ofSeconds(10),
        () -> w.current().denyEntry("any", IpAddress.parse("198.51.100.77"), 0) != null);

    store.removeEntry("proxy", ListKind.ALLOW, Cidr.parse("203.0.113.9/32"));
    Timeouts.await("the removal in the snapshot", Duration.ofSeconds(10),
        () -> w.current().allowEntry("proxy", ADMIN, 0) == null);

    // the store removes what zkCli wrote, in whatever bucket (a global policy keeps the emptied tree a tree)
    store.setGlobalPolicy(dev.portcullis.config.GlobalPolicy.DEFAULT, dev.portcullis.config.store.Versioned.ABSENT);
    assertThat(store.removeEntry(null, ListKind.DENY, Cidr.parse("198.51.100.0/24"))).isTrue();
    assertThat(raw.checkExists().forPath(path)).isNull();
    Timeouts.await("the raw entry's removal in the snapshot", Duration.ofSeconds(10),
        () -> w.current().denyEntry("any", IpAddress.parse("198.51.100.77"), 0) == null);
    assertThat(store.removeEntry(null, ListKind.DENY, Cidr.parse("198.51.100.0/24"))).isFalse();
  }

  @Test
  void rulesRootDeleted_theLastGoodRulesStayInForce_theSnapshotIsKept_andAConfirmedTreeIsTaken() throws Exception {
    ConfigStore store = store();
    for (int i = 0; i < 20; i++) {
      store.addEntry(null, ListKind.DENY, entry("198.51.100." + i + "/32", null), false);
    }
    Path file = Files.createTempFile("portcullis-held", ".snapshot");
    SnapshotFile snapshot = new SnapshotFile(file, new ConfigTreeCodec(codec));
    ConfigWatcher w = watcher(client(Duration.ofSeconds(15)), snapshot);
    Timeouts.await("the 20 entries in force", Duration.ofSeconds(20), () -> w.current().globalDeny().size() == 20);
    Timeouts.await("the snapshot written", Duration.ofSeconds(10), () -> snapshot.read().map(x -> x.globalDeny().size()).orElse(0) == 20);
    byte[] written = Files.readAllBytes(file);

    CuratorFramework raw = client(Duration.ofSeconds(15));
    raw.delete().deletingChildrenIfNeeded().forPath(paths.root());
    Timeouts.await("the vanished root reported", Duration.ofSeconds(10), () -> w.stats().held() != null);
    assertThat(w.stats().held()).contains("does not exist");
    assertThat(w.current().globalDeny()).as("the last good rules stay in force").hasSize(20);
    assertThat(Files.readAllBytes(file)).as("the snapshot file is not overwritten").isEqualTo(written);

    // the operator recreates the tree with 2 entries: still a mass removal, held until confirmed
    store.addEntry(null, ListKind.DENY, entry("203.0.113.1/32", null), false);
    store.addEntry(null, ListKind.DENY, entry("203.0.113.2/32", null), false);
    Timeouts.await("the shrink reported", Duration.ofSeconds(10), () -> w.stats().held() != null
        && w.stats().held().contains("removes 18 of 20"));
    assertThat(w.current().globalDeny()).hasSize(20);
    raw.create().forPath(paths.root() + "/confirm", "2".getBytes(StandardCharsets.US_ASCII));
    Timeouts.await("the confirmed tree in force", Duration.ofSeconds(10), () -> w.current().globalDeny().size() == 2);
    assertThat(w.stats().held()).isNull();
    Timeouts.await("and written to the snapshot", Duration.ofSeconds(10),
        () -> snapshot.read().map(x -> x.globalDeny().size()).orElse(0) == 2);
  }

  @Test
  void snapshotLoadedElsewhere_theWatcherKeepsNoCopy_andJudgesTheFirstTreeAgainstItsCount() throws Exception {
    // a client's snapshot of 20 rules, which it loads itself from the sidecar; ZooKeeper holds 2
    List<ListEntry> twenty = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      twenty.add(entry("198.51.100." + i + "/32", null));
    }
    SnapshotFile snapshot = new SnapshotFile(tmp.resolve("client.snapshot"), new ConfigTreeCodec(codec));
    snapshot.write(new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(), twenty, Map.of(), 7));
    byte[] written = Files.readAllBytes(snapshot.path());
    String document = snapshot.documentChecksum().orElseThrow();
    assertThat(ListsSidecar.rulesInForce(ListsSidecar.pathOf(snapshot.path()), document, 0)).hasValue(20);
    ConfigStore store = store();
    store.addEntry(null, ListKind.DENY, entry("203.0.113.1/32", null), false);
    store.addEntry(null, ListKind.DENY, entry("203.0.113.2/32", null), false);

    ConfigWatcher w = new ConfigWatcher(client(Duration.ofSeconds(15)), paths, codec, snapshot, Clock.systemUTC());
    owned.add(w);
    w.snapshotLoadedElsewhere(() -> ListsSidecar.rulesInForce(ListsSidecar.pathOf(snapshot.path()), document, 0));
    w.start();
    Timeouts.await("the shrink against the snapshot's 20 rules reported", Duration.ofSeconds(20),
        () -> w.stats().held() != null && w.stats().held().contains("removes 18 of 20"));
    assertThat(w.current()).as("the watcher holds no copy of the snapshot").isEqualTo(ConfigSnapshot.EMPTY);
    assertThat(Files.readAllBytes(snapshot.path())).as("the snapshot file is not overwritten").isEqualTo(written);

    // the confirmation takes the tree, as for a watcher that read the snapshot itself
    client(Duration.ofSeconds(15)).create().forPath(paths.root() + "/confirm", "2".getBytes(StandardCharsets.US_ASCII));
    Timeouts.await("the confirmed tree in force", Duration.ofSeconds(10), () -> w.current().globalDeny().size() == 2);
    assertThat(w.stats().held()).isNull();
  }

  @Test
  void badDocument_isReportedCountedAndTheLastGoodVersionStays() throws Exception {
    ConfigStore store = store();
    ConfigWatcher w = watcher(client(Duration.ofSeconds(15)), null);
    GlobalPolicy good = new GlobalPolicy(33L, null, Ladder.DEFAULT, Duration.ofHours(24), false, ZoneOffset.UTC);
    store.setGlobalPolicy(good, Versioned.ABSENT);
    Timeouts.await("the good policy", Duration.ofSeconds(20), () -> good.equals(w.current().global()));

    CuratorFramework raw = client(Duration.ofSeconds(15));
    raw.setData().forPath(paths.globalPolicy(), "{\"limitPerSecond\":-3,\"typo\":1}".getBytes(StandardCharsets.UTF_8));
    Timeouts.await("the problem reported", Duration.ofSeconds(10),
        () -> w.stats().problems().containsKey(paths.globalPolicy()));
    assertThat(w.stats().problems().get(paths.globalPolicy()))
        .contains("limitPerSecond must be >= 1, was -3").contains("typo is not a known field")
        .contains("last good version stays in force");
    assertThat(w.stats().invalidDocuments()).isEqualTo(1);
    assertThat(w.current().global()).isEqualTo(good);

    // an entry that never had a good version is ignored, the rest of the list still applies
    raw.create().creatingParentsIfNeeded().forPath(paths.root() + "/global/deny/00/10.0.0.1_32",
        "not json".getBytes(StandardCharsets.UTF_8));
    store.addEntry(null, ListKind.DENY, entry("10.0.0.2/32", null), false);
    Timeouts.await("the good entry", Duration.ofSeconds(10),
        () -> w.current().denyEntry("x", IpAddress.parse("10.0.0.2"), 0) != null);
    assertThat(w.current().denyEntry("x", IpAddress.parse("10.0.0.1"), 0)).isNull();
    assertThat(w.stats().problems().get(paths.root() + "/global/deny/00/10.0.0.1_32")).contains("not valid JSON");

    // fixing the document clears the problem
    raw.setData().forPath(paths.globalPolicy(), codec.write(GlobalPolicy.DEFAULT));
    Timeouts.await("the fixed policy", Duration.ofSeconds(10),
        () -> GlobalPolicy.DEFAULT.equals(w.current().global())
            && !w.stats().problems().containsKey(paths.globalPolicy()));
  }

  @Test
  void aTooWideEntryWrittenByHand_isReportedAndNotEnforced_unlessAnAdminForcedIt() throws Exception {
    ConfigWatcher w = watcher(client(Duration.ofSeconds(15)), null);
    CuratorFramework raw = client(Duration.ofSeconds(15));
    String everything = paths.root() + "/global/deny/manual/0.0.0.0_0";
    raw.create().creatingParentsIfNeeded().forPath(everything,
        "{\"cidr\":\"0.0.0.0/0\",\"by\":\"zkcli\",\"createdAt\":1}".getBytes(StandardCharsets.UTF_8));
    String allowAll = paths.root() + "/apps/proxy/allow/manual/0.0.0.0_0";
    raw.create().creatingParentsIfNeeded().forPath(allowAll,
        "{\"cidr\":\"0.0.0.0/0\",\"by\":\"zkcli\",\"createdAt\":1}".getBytes(StandardCharsets.UTF_8));
    String forced = paths.root() + "/global/deny/manual/10.0.0.0_8";
    raw.create().creatingParentsIfNeeded().forPath(forced,
        "{\"cidr\":\"10.0.0.0/8\",\"by\":\"alice\",\"createdAt\":1,\"forced\":\"botnet 7\"}"
            .getBytes(StandardCharsets.UTF_8));
    Timeouts.await("the forced entry in force", Duration.ofSeconds(20),
        () -> w.current().denyEntry("any", IpAddress.parse("10.9.9.9"), 0) != null);
    assertThat(w.stats().problems().get(everything)).contains("not enforced").contains("wider than /16")
        .contains("no admin forced it");
    assertThat(w.stats().problems().get(allowAll)).contains("not enforced").contains("wider than /8");
    assertThat(w.current().denyEntry("any", IpAddress.parse("8.8.8.8"), 0)).as("the unforced /0").isNull();
    assertThat(w.current().allowEntry("proxy", IpAddress.parse("8.8.8.8"), 0)).isNull();
  }

  @Test
  void entryWhoseDocumentDisagreesWithItsZnodeName_isRejected() throws Exception {
    ConfigWatcher w = watcher(client(Duration.ofSeconds(15)), null);
    CuratorFramework raw = client(Duration.ofSeconds(15));
    String path = paths.root() + "/global/allow/00/10.0.0.1_32";
    raw.create().creatingParentsIfNeeded().forPath(path,
        "{\"cidr\":\"0.0.0.0/0\",\"by\":\"mallory\",\"createdAt\":1}".getBytes(StandardCharsets.UTF_8));
    Timeouts.await("the mismatch reported", Duration.ofSeconds(20), () -> w.stats().problems().containsKey(path));
    assertThat(w.stats().problems().get(path)).contains("the znode names 10.0.0.1/32 but its cidr is 0.0.0.0/0");
    assertThat(w.current().allowEntry("x", IpAddress.parse("8.8.8.8"), 0)).isNull();
  }

  @Test
  void listEntry_isInertFromItsExpiry() throws Exception {
    ConfigStore store = store();
    ConfigWatcher w = watcher(client(Duration.ofSeconds(15)), null);
    store.addEntry("proxy", ListKind.ALLOW, entry("203.0.113.9/32", 50_000L), false);
    store.addEntry(null, ListKind.ALLOW, entry("203.0.113.0/24", null), false);
    Timeouts.await("both entries", Duration.ofSeconds(20), () -> w.current().apps().containsKey("proxy")
        && !w.current().globalAllow().isEmpty());
    ConfigSnapshot s = w.current();
    assertThat(s.allowEntry("proxy", ADMIN, 49_999).cidr()).isEqualTo(Cidr.parse("203.0.113.9/32"));
    // at expiry the app entry is inert and the shorter global block is what matches
    assertThat(s.allowEntry("proxy", ADMIN, 50_000).cidr()).isEqualTo(Cidr.parse("203.0.113.0/24"));
  }

  @Test
  void sessionExpiry_watcherCatchesUpWithoutStaleEntries() throws Exception {
    ConfigStore store = store();
    CuratorFramework watcherClient = client(Duration.ofSeconds(4));
    ConfigWatcher w = watcher(watcherClient, null);
    store.addEntry(null, ListKind.DENY, entry("10.9.9.9/32", null), false);
    Timeouts.await("the first entry", Duration.ofSeconds(20),
        () -> w.current().denyEntry("x", IpAddress.parse("10.9.9.9"), 0) != null);

    watcherClient.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    store.removeEntry(null, ListKind.DENY, Cidr.parse("10.9.9.9/32"));
    store.addEntry(null, ListKind.DENY, entry("10.8.8.8/32", null), false);

    Timeouts.await("catch-up after session expiry", Duration.ofSeconds(30),
        () -> w.current().denyEntry("x", IpAddress.parse("10.8.8.8"), 0) != null
            && w.current().denyEntry("x", IpAddress.parse("10.9.9.9"), 0) == null);
  }

  @Test
  void zooKeeperRestart_watcherKeepsItsStateAndSeesLaterChanges() throws Exception {
    ConfigStore store = store();
    ConfigWatcher w = watcher(client(Duration.ofSeconds(15)), null);
    store.addEntry(null, ListKind.DENY, entry("10.7.7.7/32", null), false);
    Timeouts.await("the entry", Duration.ofSeconds(20),
        () -> w.current().denyEntry("x", IpAddress.parse("10.7.7.7"), 0) != null);
    zk.stop();
    try {
      assertThat(w.current().denyEntry("x", IpAddress.parse("10.7.7.7"), 0))
          .as("still enforced while ZooKeeper is down").isNotNull();
    } finally {
      zk.restart();
    }
    store.addEntry(null, ListKind.DENY, entry("10.6.6.6/32", null), false);
    Timeouts.await("a change after the restart", Duration.ofSeconds(30),
        () -> w.current().denyEntry("x", IpAddress.parse("10.6.6.6"), 0) != null
            && w.current().denyEntry("x", IpAddress.parse("10.7.7.7"), 0) != null);
  }

  @Test
  void snapshotFile_letsAWatcherStartWhileZooKeeperIsUnreachable() throws Exception {
    ConfigStore store = store();
    SnapshotFile file = new SnapshotFile(tmp.resolve("config.snapshot"), new ConfigTreeCodec(codec));
    ConfigWatcher first = watcher(client(Duration.ofSeconds(15)), file);
    store.addEntry(null, ListKind.DENY, entry("10.5.5.5/32", null), false);
    Timeouts.await("the snapshot file with the entry", Duration.ofSeconds(20),
        () -> file.read().map(s -> s.denyEntry("x", IpAddress.parse("10.5.5.5"), 0) != null).orElse(false));
    first.close();

    // a client pointed at a port where nothing listens: ZooKeeper is "down" for it
    CuratorFramework unreachable = ZkAccess.open("127.0.0.1:" + dev.portcullis.servers.Ports.freeLoopbackPort())
        .withSessionTimeout(Duration.ofSeconds(5)).newClient();
    unreachable.start();
    owned.add(unreachable);
    ConfigWatcher second = watcher(unreachable, file);
    Timeouts.await("the snapshot from the file", Duration.ofSeconds(10),
        () -> second.current().denyEntry("x", IpAddress.parse("10.5.5.5"), 0) != null);
    assertThat(second.stats().source()).isEqualTo(ConfigWatcher.Source.SNAPSHOT_FILE);
    assertThat(second.isSynced()).isFalse();
  }

  @Test
  void corruptSnapshotFile_isIgnored() throws Exception {
    Path p = tmp.resolve("config.snapshot");
    SnapshotFile file = new SnapshotFile(p, new ConfigTreeCodec(codec));
    file.write(new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(), List.of(entry("10.4.4.4/32", null)),
        java.util.Map.of(), 7));
    assertThat(file.read()).isPresent();
    byte[] bytes = Files.readAllBytes(p);
    bytes[bytes.length - 5] ^= 1;
    Files.write(p, bytes);
    assertThat(file.read()).isEmpty();
  }

  @Test
  void listenerFailure_isIsolatedAndCounted() throws Exception {
    ConfigStore store = store();
    ConfigWatcher w = new ConfigWatcher(client(Duration.ofSeconds(15)), paths, codec, null, Clock.systemUTC());
    owned.add(w);
    List<Long> seen = new CopyOnWriteArrayList<>();
    w.addListener(s -> {
      throw new IllegalStateException("boom");
    });
    w.addListener(s -> seen.add(s.version()));
    w.start();
    store.addEntry(null, ListKind.DENY, entry("10.3.3.3/32", null), false);
    Timeouts.await("the healthy listener called", Duration.ofSeconds(20), () -> !seen.isEmpty()
        && w.current().denyEntry("x", IpAddress.parse("10.3.3.3"), 0) != null);
    assertThat(w.stats().listenerFailures()).isPositive();
  }
}
