package dev.portcullis.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.config.watch.ListsSidecar;
import dev.portcullis.config.watch.SnapshotFile;
import dev.portcullis.servers.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up through the public API, without servers: {@code start()} reads nothing on the caller's
 * thread, requests are decided by the app's mode until the snapshot's rules are in force, and
 * {@code awaitRules} and {@code status()} say when they are.
 */
class AclClientStartTest {

  private static final int ENTRIES = 300_000;

  @TempDir
  Path tmp;

  private Path snapshotOf(int entries) throws Exception {
    List<ListEntry> deny = new ArrayList<>(entries);
    for (int i = 0; i < entries; i++) {
      deny.add(new ListEntry(Cidr.of(IpAddress.ofV4(0x0A000000 + i)), null, "", "t", 1));
    }
    Path file = tmp.resolve("rules.snapshot");
    new SnapshotFile(file, new ConfigTreeCodec(new ConfigCodec()))
        .write(new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(), deny, Map.of(), 7));
    return file;
  }

  @Test
  void start_returnsBeforeALargeSnapshotIsInForce_andTheAppsModeDecidesUntilThen() throws Exception {
    Path file = snapshotOf(ENTRIES);
    try (AclClient c = AclClient.builder("proxy").node("p1").snapshotFile(file).modeUntilRules(AppMode.CLOSED).build()) {
      long started = System.nanoTime();
      c.start();
      long startMillis = (System.nanoTime() - started) / 1_000_000;
      boolean inForceWhenStartReturned = c.status().rulesInForce();
      boolean deniedBeforeRules = !c.check("192.0.2.1", "GET /").allowed();
      boolean stillNotInForce = !c.status().rulesInForce();
      assertThat(c.awaitRules(Duration.ofSeconds(60))).isTrue();
      long inForceMillis = (System.nanoTime() - started) / 1_000_000;
      System.out.println("start() returned after " + startMillis + " ms; " + ENTRIES + " entries in force after "
          + inForceMillis + " ms");
      assertThat(inForceWhenStartReturned).as("rules in force when start() returned (it must not load them)").isFalse();
      if (stillNotInForce) {
        assertThat(deniedBeforeRules).as("a CLOSED app's mode denies until rules are in force").isTrue();
      }
      assertThat(c.status().rulesInForce()).isTrue();
      assertThat(c.status().configVersion()).isEqualTo(7);
      assertThat(c.check("10.0.0.5", "GET /").allowed()).as("a listed address is denied").isFalse();
      assertThat(c.check("192.0.2.1", "GET /").allowed()).as("the snapshot has no policy for the app: OPEN").isTrue();
    }
  }

  @Test
  void theSnapshotsRulesAreEnforced_withOrWithoutItsListsSidecar_withZooKeeperUnreachableOrNotConfigured()
      throws Exception {
    Path file = snapshotOf(1_000);
    Path sidecar = ListsSidecar.pathOf(file);
    byte[] lists = Files.readAllBytes(sidecar);
    String unreachable = "127.0.0.1:" + Ports.freeLoopbackPort();
    for (boolean withSidecar : new boolean[] {true, false}) {
      if (withSidecar) {
        Files.write(sidecar, lists);
      } else {
        Files.deleteIfExists(sidecar); // a snapshot made by hand: its JSON is read
      }
      for (String zooKeeper : new String[] {null, unreachable}) {
        AclClientBuilder b = AclClient.builder("proxy").node("p1").snapshotFile(file).modeUntilRules(AppMode.CLOSED);
        try (AclClient c = (zooKeeper == null ? b : b.zooKeeper(zooKeeper)).build()) {
          c.start();
          String how = (withSidecar ? "with" : "without") + " the sidecar, ZooKeeper " + (zooKeeper == null ? "not configured" : "unreachable");
          assertThat(c.awaitRules(Duration.ofSeconds(60))).as(how).isTrue();
          assertThat(c.status().configVersion()).as(how).isEqualTo(7);
          assertThat(c.status().configSynced()).as(how).isFalse();
          assertThat(c.check("10.0.3.231", "GET /").reason()).as(how).isEqualTo(Decision.Reason.DENY_LIST);
          assertThat(c.check("10.0.3.232", "GET /").allowed()).as(how + ": past the last entry").isTrue();
        }
      }
    }
  }

  @Test
  void openUntilRules_isTheDefault_andAClientWithoutRuleSourcesNeverHasRulesInForce() throws Exception {
    try (AclClient c = AclClient.builder("shop").node("s1").build()) {
      c.start();
      assertThat(c.check("192.0.2.1", "GET /").allowed()).isTrue();
      assertThat(c.awaitRules(Duration.ofMillis(50))).isFalse();
      assertThat(c.status().rulesInForce()).isFalse();
    }
  }

  @Test
  void closedUntilRules_deniesEveryRequestWhileNoRulesArrive() throws Exception {
    try (AclClient c = AclClient.builder("proxy").node("p1").modeUntilRules(AppMode.CLOSED).build()) {
      c.start();
      assertThat(c.check("192.0.2.1", "GET /").allowed()).isFalse();
      assertThat(c.check("2001:db8::1", "GET /").allowed()).isFalse();
    }
  }
}
