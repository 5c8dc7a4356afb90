package dev.portcullis.config.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.address.Cidr;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.Ladder;
import dev.portcullis.config.LimitEntry;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.ListKind;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.servers.ZooKeeper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServers.class)
class ConfigStoreIT {

  private ZkFixture fx;

  @BeforeEach
  void setUp(ZooKeeper zk) {
    fx = new ZkFixture(zk);
  }

  @AfterEach
  void tearDown() throws Exception {
    fx.close();
  }

  @Test
  void ensureLayout_createsTheEmptyFoldersOnceSoThatHandWrittenEntriesFindTheirParents() throws Exception {
    ConfigStore store = fx.store();
    assertThat(store.ensureLayout()).as("global allow, deny and limits, and apps").isEqualTo(4);
    assertThat(store.ensureLayout()).as("idempotent").isZero();
    CuratorFramework zkCli = fx.client();
    zkCli.create().forPath(fx.paths.list(null, ListKind.DENY) + "/manual");
    zkCli.create().forPath(fx.paths.list(null, ListKind.DENY) + "/manual/192.0.2.0_24",
        fx.codec.write(new ListEntry(Cidr.parse("192.0.2.0/24"), null, "by hand", "ops", 1)));
    assertThat(store.list(null, ListKind.DENY)).extracting(ListEntry::cidr).containsExactly(Cidr.parse("192.0.2.0/24"));
    assertThat(store.readAll().globalDeny()).hasSize(1);
  }

  @Test
  void policies_roundTripWithVersions() {
    ConfigStore store = fx.store();
    assertThat(store.globalPolicy()).isEqualTo(new Versioned<>(GlobalPolicy.DEFAULT, Versioned.ABSENT));
    GlobalPolicy p = new GlobalPolicy(20L, 600L, Ladder.DEFAULT, Duration.ofHours(2), true, ZoneId.of("Europe/Paris"));
    store.setGlobalPolicy(p, Versioned.ABSENT);
    Versioned<GlobalPolicy> read = store.globalPolicy();
    assertThat(read.value()).isEqualTo(p);
    assertThat(read.version()).isZero();

    AppPolicy ap = new AppPolicy(AppMode.CLOSED, 5L, null, List.of(), false);
    store.setAppPolicy("proxy", ap, Versioned.ABSENT);
    assertThat(store.appPolicy("proxy").value()).isEqualTo(ap);
    assertThat(store.apps()).containsExactly("proxy");
  }

  @Test
  void concurrentWriters_secondCompareAndSetLosesWithAClearConflict() {
    ConfigStore alice = fx.store();
    ConfigStore bob = fx.store();
    alice.setGlobalPolicy(GlobalPolicy.DEFAULT, Versioned.ABSENT);
    Versioned<GlobalPolicy> seenByAlice = alice.globalPolicy();
    Versioned<GlobalPolicy> seenByBob = bob.globalPolicy();
    GlobalPolicy alicePolicy = new GlobalPolicy(10L, null, Ladder.DEFAULT, Duration.ofHours(24), false, ZoneOffset.UTC);
    GlobalPolicy bobPolicy = new GlobalPolicy(99L, null, Ladder.DEFAULT, Duration.ofHours(24), false, ZoneOffset.UTC);
    alice.setGlobalPolicy(alicePolicy, seenByAlice.version());
    assertThatThrownBy(() -> bob.setGlobalPolicy(bobPolicy, seenByBob.version()))
        .isInstanceOf(ConfigConflictException.class)
        .hasMessageContaining("was changed by someone else since version 0");
    assertThat(bob.globalPolicy().value()).isEqualTo(alicePolicy);
    assertThatThrownBy(() -> bob.setGlobalPolicy(bobPolicy, Versioned.ABSENT))
        .isInstanceOf(ConfigConflictException.class).hasMessageContaining("already exists");
  }

  @Test
  void listEntries_addListRemoveAndRefuseDuplicatesUnlessReplacing() {
    ConfigStore store = fx.store();
    ListEntry office = new ListEntry(Cidr.parse("10.0.0.0/8"), null, "office", "ops", 1000);
    ListEntry admin = new ListEntry(Cidr.parse("2001:db8::1"), 5000L, "alice", "ops", 1000);
    store.addEntry(null, ListKind.ALLOW, office, false);
    store.addEntry("shop", ListKind.DENY, admin, false);
    assertThat(store.list(null, ListKind.ALLOW)).containsExactly(office);
    assertThat(store.list("shop", ListKind.DENY)).containsExactly(admin);
    assertThatThrownBy(() -> store.addEntry(null, ListKind.ALLOW, office, false))
        .isInstanceOf(ConfigConflictException.class);
    ListEntry renamed = new ListEntry(office.cidr(), null, "head office", "ops", 2000);
    store.addEntry(null, ListKind.ALLOW, renamed, true);
    assertThat(store.list(null, ListKind.ALLOW)).containsExactly(renamed);
    assertThat(store.removeEntry(null, ListKind.ALLOW, office.cidr())).isTrue();
    assertThat(store.removeEntry(null, ListKind.ALLOW, office.cidr())).isFalse();
    assertThat(store.list(null, ListKind.ALLOW)).isEmpty();
  }

  @Test
  void limits_setReplaceAndRemove() {
    ConfigStore store = fx.store();
    store.setLimit("shop", new LimitEntry(Cidr.parse("198.51.100.7/32"), 5L, null));
    store.setLimit("shop", new LimitEntry(Cidr.parse("198.51.100.7/32"), 7L, 100L));
    assertThat(store.limits("shop")).containsExactly(new LimitEntry(Cidr.parse("198.51.100.7/32"), 7L, 100L));
    assertThat(store.removeLimit("shop", Cidr.parse("198.51.100.7/32"))).isTrue();
    assertThat(store.limits("shop")).isEmpty();
  }

  @Test
  void exportThenImportWithPrune_reproducesTheTree() {
    ConfigStore store = fx.store();
    store.setGlobalPolicy(new GlobalPolicy(70L, null, Ladder.DEFAULT, Duration.ofHours(24), false, ZoneOffset.UTC),
        Versioned.ABSENT);
    store.addEntry(null, ListKind.DENY, new ListEntry(Cidr.parse("192.0.2.0/24"), null, "", "ops", 1), false);
    store.setLimit("shop", new LimitEntry(Cidr.parse("203.0.113.0/24"), 9L, null));
    ConfigTreeCodec tree = new ConfigTreeCodec(fx.codec);
    byte[] exported = tree.write(store.readAll());

    store.addEntry(null, ListKind.DENY, new ListEntry(Cidr.parse("198.51.100.0/24"), null, "", "ops", 1), false);
    store.setLimit("shop", new LimitEntry(Cidr.parse("203.0.113.9/32"), 1L, null));
    store.importTree(tree.read(exported, "backup.json"), true);

    ConfigSnapshot after = store.readAll();
    assertThat(tree.text(after)).isEqualTo(new String(exported, StandardCharsets.UTF_8));
  }

  @Test
  void acls_writesNeedCredentialsAndReadsStayOpen() throws Exception {
    ZkAccess secured = new ZkAccess(fx.zk.connectString(), ZkAccess.ZnodeAcl.ADMIN_WRITES, "ops:s3cret", ZkAccess.DEFAULT_SESSION_TIMEOUT);
    ConfigStore admin = new ConfigStore(fx.client(secured), fx.paths, fx.codec, secured);
    admin.addEntry(null, ListKind.ALLOW, new ListEntry(Cidr.parse("10.0.0.0/8"), null, "", "ops", 1), false);

    ZkAccess noCredentials = new ZkAccess(fx.zk.connectString(), ZkAccess.ZnodeAcl.ADMIN_WRITES, null, ZkAccess.DEFAULT_SESSION_TIMEOUT);
    ConfigStore reader = new ConfigStore(fx.client(noCredentials), fx.paths, fx.codec, noCredentials);
    assertThat(reader.list(null, ListKind.ALLOW)).hasSize(1);
    assertThatThrownBy(() -> reader.addEntry(null, ListKind.DENY,
        new ListEntry(Cidr.parse("10.0.0.1"), null, "", "x", 1), false))
        .isInstanceOf(ConfigStoreException.class).hasMessageContaining("refusing to write");

    // a raw client without credentials (zkCli-style) is refused by ZooKeeper itself
    CuratorFramework raw = fx.client();
    String entryPath = fx.paths.listEntry(null, ListKind.ALLOW, Cidr.parse("10.0.0.0/8"));
    assertThatThrownBy(() -> raw.setData().forPath(entryPath, "{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThat(new String(raw.getData().forPath(entryPath), StandardCharsets.UTF_8)).contains("10.0.0.0/8");
  }

  @Test
  void janitor_deletesOnlyExpiredEntries() {
    ConfigStore store = fx.store();
    store.addEntry(null, ListKind.ALLOW, new ListEntry(Cidr.parse("10.0.0.1"), 2_000L, "", "ops", 1_000), false);
    store.addEntry("shop", ListKind.DENY, new ListEntry(Cidr.parse("10.0.0.2"), 2_000L, "", "ops", 1_000), false);
    store.addEntry(null, ListKind.ALLOW, new ListEntry(Cidr.parse("10.0.0.3"), 9_000L, "", "ops", 1_000), false);
    store.addEntry(null, ListKind.ALLOW, new ListEntry(Cidr.parse("10.0.0.4"), null, "", "ops", 1_000), false);
    ListJanitor janitor = new ListJanitor(store, Clock.fixed(Instant.ofEpochMilli(5_000), ZoneOffset.UTC));
    assertThat(janitor.sweep()).hasSize(2);
    assertThat(store.list(null, ListKind.ALLOW)).extracting(e -> e.cidr().toCompactString())
        .containsExactly("10.0.0.3", "10.0.0.4");
    assertThat(store.list("shop", ListKind.DENY)).isEmpty();
    assertThat(janitor.sweep()).isEmpty();
  }
}
