package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.IpAddress;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.watch.ConfigWatcher;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.servers.ZooKeeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RealServers.class)
class ConfigCliIT {

  private static final Clock T0 = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

  @TempDir
  Path tmp;

  @Test
  void cliChanges_reachARunningWatcher(ZooKeeper zk) throws Exception {
    String root = "/cli-" + System.nanoTime();
    String[] conn = {"--zk", zk.connectString(), "--root", root};
    try (CuratorFramework c = ZkAccess.open(zk.connectString()).newClient()) {
      c.start();
      c.blockUntilConnected(20, TimeUnit.SECONDS);
      try (ConfigWatcher w = new ConfigWatcher(c, new ZkPaths(root), new ConfigCodec(), null, Clock.systemUTC())) {
        w.start();
        Clock now = Clock.systemUTC();
        CliRun add = CliRun.of(now, concat(conn, "allow", "add", "--app", "proxy", "203.0.113.9", "--ttl", "24h",
            "--note", "alice on call", "--by", "alice"));
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("added to the proxy allow list, expires");
        Timeouts.await("the CLI's allow entry at the watcher", Duration.ofSeconds(10),
            () -> w.current().allowEntry("proxy", IpAddress.parse("203.0.113.9"), now.millis()) != null);
        long expiresAt = w.current().allowEntry("proxy", IpAddress.parse("203.0.113.9"), now.millis()).expiresAt();
        assertThat(expiresAt - now.millis()).isBetween(Duration.ofHours(24).toMillis() - 60_000, Duration.ofHours(24).toMillis());

        assertThat(CliRun.of(now, concat(conn, "policy", "set", "--per-second", "20", "--ladder", "PT1M,PT1H,PERMANENT")).code()).isZero();
        Timeouts.await("the CLI's policy at the watcher", Duration.ofSeconds(10),
            () -> Long.valueOf(20).equals(w.current().global().limitPerSecond()));
        assertThat(w.current().global().ladder().rungs()).isEqualTo(3);

        // prefix limits: the whole /48 per second everywhere, and shop's own /56 per minute
        CliRun prefixes = CliRun.of(now, concat(conn, "policy", "set", "--prefix-limit", "ipv6/48=2000",
            "--prefix-limit", "ipv4/16=5000"));
        assertThat(prefixes.code()).as(prefixes.err()).isZero();
        assertThat(CliRun.of(now, concat(conn, "app-policy", "set", "shop", "--prefix-limit-per-minute", "v6/56=9000"))
            .code()).isZero();
        Timeouts.await("the prefix limits at the watcher", Duration.ofSeconds(10),
            () -> w.current().prefixLimitFor("shop", true, 56) != null);
        assertThat(w.current().prefixLimitFor("shop", true, 48).perSecond()).isEqualTo(2000);
        assertThat(w.current().prefixLimitFor("shop", true, 56).perMinute()).isEqualTo(9000);
        assertThat(w.current().prefixLimitFor("shop", false, 16).rule()).isEqualTo("global prefix ipv4/16");
        assertThat(CliRun.of(now, concat(conn, "policy", "set", "--prefix-limit", "ipv4/16=none")).code()).isZero();
        Timeouts.await("a prefix limit removed", Duration.ofSeconds(10),
            () -> w.current().prefixLimitFor("shop", false, 16) == null);
        CliRun badPrefix = CliRun.of(now, concat(conn, "policy", "set", "--prefix-limit", "ipv6/200=5"));
        assertThat(badPrefix.code()).isNotZero();
        assertThat(badPrefix.err()).contains("the length of ipv6/200 must be 16-128");

        assertThat(CliRun.of(now, concat(conn, "app-policy", "set", "proxy", "--mode", "CLOSED")).code()).isZero();
        assertThat(CliRun.of(now, concat(conn, "limit", "set", "shop", "198.51.100.7", "--per-second", "5")).code()).isZero();
        Timeouts.await("mode and limit", Duration.ofSeconds(10),
            () -> w.current().policy("proxy").mode().name().equals("CLOSED")
                && Long.valueOf(5).equals(w.current().limitFor("shop", IpAddress.parse("198.51.100.7")).perSecond()));
        assertThat(w.current().limitFor("shop", IpAddress.parse("198.51.100.8")).perSecond()).isEqualTo(20);

        // a limit in every app ('*'): below shop's own entry for .7, above the global default for .9
        assertThat(CliRun.of(now, concat(conn, "limit", "set", "*", "198.51.100.0/24", "--per-second", "9")).code()).isZero();
        Timeouts.await("the limit of every app", Duration.ofSeconds(10),
            () -> Long.valueOf(9).equals(w.current().limitFor("shop", IpAddress.parse("198.51.100.9")).perSecond()));
        assertThat(w.current().limitFor("shop", IpAddress.parse("198.51.100.7")).perSecond()).isEqualTo(5);
        assertThat(CliRun.of(now, concat(conn, "limit", "ls", "*")).out()).contains("198.51.100.0/24");
        CliRun rmGlobal = CliRun.of(now, concat(conn, "limit", "rm", "*", "198.51.100.0/24"));
        assertThat(rmGlobal.out()).contains("removed limit 198.51.100.0/24 of every app");

        CliRun ls = CliRun.of(now, concat(conn, "--json", "allow", "ls", "--app", "proxy"));
        assertThat(ls.out()).contains("\"cidr\":\"203.0.113.9/32\"").contains("\"by\":\"alice\"");

        CliRun rm = CliRun.of(now, concat(conn, "allow", "rm", "--app", "proxy", "203.0.113.9/32"));
        assertThat(rm.code()).isZero();
        CliRun rmAgain = CliRun.of(now, concat(conn, "allow", "rm", "--app", "proxy", "203.0.113.9/32"));
        assertThat(rmAgain.code()).isEqualTo(1);
        assertThat(rmAgain.err()).contains("is not on the proxy allow list");
      }
    }
  }

  @Test
  void exportImport_roundTripThroughAFile(ZooKeeper zk) throws Exception {
    String[] from = {"--zk", zk.connectString(), "--root", "/cli-src-" + System.nanoTime()};
    String[] to = {"--zk", zk.connectString(), "--root", "/cli-dst-" + System.nanoTime()};
    assertThat(CliRun.of(T0, concat(from, "deny", "add", "192.0.2.0/24", "--note", "scrapers", "--by", "ops")).code()).isZero();
    assertThat(CliRun.of(T0, concat(from, "limit", "set", "shop", "2001:db8::/48", "--per-minute", "600")).code()).isZero();
    assertThat(CliRun.of(T0, concat(from, "limit", "set", "*", "203.0.113.0/24", "--per-second", "3")).code()).isZero();
    Path file = tmp.resolve("backup.json");
    assertThat(CliRun.of(T0, concat(from, "export", "--out", file.toString())).code()).isZero();
    assertThat(CliRun.of(T0, concat(to, "import", file.toString())).code()).isZero();
    CliRun a = CliRun.of(T0, concat(from, "--json", "export"));
    CliRun b = CliRun.of(T0, concat(to, "--json", "export"));
    assertThat(b.out()).isEqualTo(a.out()).contains("192.0.2.0/24").contains("2001:db8::/48").contains("203.0.113.0/24");
    assertThat(Files.readString(file)).contains("\"note\" : \"scrapers\"");
  }

  @Test
  void unreachableZooKeeper_isAClearErrorWithExitOne() {
    CliRun r = CliRun.of(T0, "--zk", "127.0.0.1:" + dev.portcullis.servers.Ports.freeLoopbackPort(), "policy", "get");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("cannot reach ZooKeeper at 127.0.0.1:");
  }

  @Test
  void withAnAuthFile_theCliWritesAsTheAdminIdentity_andWithoutOneTheSecuredTreeRefusesIt(ZooKeeper zk) throws Exception {
    String root = "/cli-acl-" + System.nanoTime();
    Path auth = Files.writeString(tmp.resolve("zk-admin"), "ops:s3cret\n");
    String[] asAdmin = {"--zk", zk.connectString(), "--root", root, "--auth-file", auth.toString()};
    CliRun add = CliRun.of(Clock.systemUTC(), concat(asAdmin, "allow", "add", "--app", "shop", "203.0.113.10"));
    assertThat(add.code()).as(add.err()).isZero();

    ZkPaths paths = new ZkPaths(root);
    try (CuratorFramework c = ZkAccess.open(zk.connectString()).newClient()) {
      c.start();
      c.blockUntilConnected(20, TimeUnit.SECONDS);
      String entry = c.getChildren().forPath(paths.list("shop", dev.portcullis.keys.ListKind.ALLOW)).get(0);
      List<ACL> acl = c.getACL().forPath(paths.list("shop", dev.portcullis.keys.ListKind.ALLOW) + "/" + entry);
      // ZooKeeper shows a digest id's hash only to those who may administer the znode
      assertThat(acl).hasSize(2);
      assertThat(acl.get(0).getId().getScheme()).isEqualTo("digest");
      assertThat(acl.get(0).getId().getId()).startsWith("ops:");
      assertThat(acl.get(0).getPerms()).isEqualTo(ZooDefs.Perms.ALL);
      assertThat(acl.get(1)).isEqualTo(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
      assertThat(c.getACL().forPath(paths.nodes("shop"))).as("where the app's services register without an identity")
          .contains(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    }

    CliRun anonymous = CliRun.of(Clock.systemUTC(), "--zk", zk.connectString(), "--root", root, "deny", "add", "--app", "shop",
        "198.51.100.0/24");
    assertThat(anonymous.code()).isEqualTo(1);
    assertThat(anonymous.err()).contains("not authorised").contains("PORTCULLIS_ZK_AUTH");
  }

  @Test
  void confirm_letsWatchersTakeAMassDeletion_andPruneShowsBeforeItDeletes(ZooKeeper zk) throws Exception {
    String root = "/cli-confirm-" + System.nanoTime();
    String[] conn = {"--zk", zk.connectString(), "--root", root};
    Clock now = Clock.systemUTC();
    for (int i = 0; i < 12; i++) {
      assertThat(CliRun.of(now, concat(conn, "deny", "add", "198.51.100." + i)).code()).isZero();
    }
    try (CuratorFramework c = ZkAccess.open(zk.connectString()).newClient()) {
      c.start();
      c.blockUntilConnected(20, TimeUnit.SECONDS);
      try (ConfigWatcher w = new ConfigWatcher(c, new ZkPaths(root), new ConfigCodec(), null, Clock.systemUTC())) {
        w.start();
        Timeouts.await("12 entries in force", Duration.ofSeconds(20), () -> w.current().globalDeny().size() == 12);
        Path kept = tmp.resolve("two.json");
        Files.writeString(kept, "{\"v\":1,\"global\":{\"deny\":[{\"cidr\":\"198.51.100.0/32\",\"by\":\"ops\",\"createdAt\":1},"
            + "{\"cidr\":\"198.51.100.1/32\",\"by\":\"ops\",\"createdAt\":1}]},\"apps\":{}}");

        CliRun dryRun = CliRun.of(now, concat(conn, "import", kept.toString(), "--prune"));
        assertThat(dryRun.code()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("would delete global deny 198.51.100.11/32").contains("10 to delete, nothing changed");
        assertThat(w.current().globalDeny()).as("nothing changed").hasSize(12);

        CliRun pruned = CliRun.of(now, concat(conn, "import", kept.toString(), "--prune", "--apply"));
        assertThat(pruned.code()).as(pruned.err()).isZero();
        Timeouts.await("the mass deletion held", Duration.ofSeconds(20),
            () -> w.stats().held() != null && w.stats().held().contains("removes 10 of 12"));
        assertThat(w.current().globalDeny()).hasSize(12);

        CliRun confirm = CliRun.of(now, concat(conn, "confirm"));
        assertThat(confirm.code()).as(confirm.err()).isZero();
        assertThat(confirm.out()).contains("2 rules in force");
        Timeouts.await("the confirmed tree taken", Duration.ofSeconds(20),
            () -> w.stats().held() == null && w.current().globalDeny().size() == 2);
      }
    }
  }

  @Test
  void anImportWithATooWideEntry_isRefusedWhole_unlessForced(ZooKeeper zk) throws Exception {
    String root = "/cli-import-guard-" + System.nanoTime();
    String[] conn = {"--zk", zk.connectString(), "--root", root};
    Path file = tmp.resolve("wide.json");
    Files.writeString(file, "{\"v\":1,\"global\":{\"deny\":[{\"cidr\":\"0.0.0.0/0\",\"by\":\"ops\",\"createdAt\":1},"
        + "{\"cidr\":\"203.0.113.0/24\",\"by\":\"ops\",\"createdAt\":1}]},\"apps\":{}}");
    CliRun refused = CliRun.of(Clock.systemUTC(), concat(conn, "import", file.toString()));
    assertThat(refused.code()).as(refused.out()).isEqualTo(2);
    assertThat(refused.err()).contains("global deny 0.0.0.0/0").contains("--force");
    CliRun export = CliRun.of(Clock.systemUTC(), concat(conn, "--json", "export"));
    assertThat(export.out()).doesNotContain("203.0.113.0/24");
    CliRun forced = CliRun.of(Clock.systemUTC(), concat(conn, "import", file.toString(), "--force", "drill 12"));
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(CliRun.of(Clock.systemUTC(), concat(conn, "--json", "export")).out()).contains("\"forced\" : \"drill 12\"");
  }

  @Test
  void anImportWhoseNewNarrowEntriesCoverTooManyAddresses_isRefused_butReimportingAnExportIsNot(ZooKeeper zk)
      throws Exception {
    String[] conn = {"--zk", zk.connectString(), "--root", "/cli-many-" + System.nanoTime()};
    StringBuilder deny = new StringBuilder();
    for (int i = 0; i < 300; i++) { // 300 /16s, each within the guard: 19.7 million addresses together
      deny.append(i == 0 ? "" : ",").append("{\"cidr\":\"").append(10 + i / 256).append('.').append(i % 256)
          .append(".0.0/16\",\"by\":\"ops\",\"createdAt\":1}");
    }
    Path f = Files.writeString(tmp.resolve("many.json"), "{\"v\":1,\"global\":{\"deny\":[" + deny + "]},\"apps\":{}}");
    CliRun refused = CliRun.of(Clock.systemUTC(), concat(conn, "import", f.toString()));
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("the entries it adds cover more than 16,777,216 addresses together").contains("--force");
    CliRun forced = CliRun.of(Clock.systemUTC(), concat(conn, "import", f.toString(), "--force", "sanctions list 9"));
    assertThat(forced.code()).as(forced.err()).isZero();
    CliRun again = CliRun.of(Clock.systemUTC(), concat(conn, "import", f.toString()));
    assertThat(again.code()).as("the same entries again add nothing: " + again.err()).isZero();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
