package dev.portcullis.client.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.client.decide.AppRules;
import dev.portcullis.client.decide.RuleColumns;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.watch.ListsSidecar;
import dev.portcullis.config.watch.SnapshotFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binary lists beside a snapshot file give exactly the rules the snapshot's JSON gives (generated
 * trees, every app), and are used only while they belong to the document the snapshot holds: a
 * sidecar that is missing, damaged or left from an older snapshot is ignored.
 */
class SidecarRulesReaderTest {

  private static final long NOW = 1_765_000_000_000L;
  private final ConfigCodec codec = new ConfigCodec();

  @TempDir
  Path dir;

  @Test
  void generatedTrees_giveTheSameRulesAsTheSnapshotsJson_forEveryApp() throws Exception {
    SplittableRandom rnd = new SplittableRandom(9);
    SnapshotFile file = new SnapshotFile(dir.resolve("rules.snapshot"), new ConfigTreeCodec(codec));
    int compared = 0;
    for (int round = 0; round < 40; round++) {
      Map<String, AppConfig> apps = new LinkedHashMap<>();
      for (String app : List.of("api", "shop")) {
        apps.put(app, new AppConfig(app, new AppPolicy(rnd.nextBoolean() ? AppMode.OPEN : AppMode.CLOSED, null, null,
            List.of(), false), List.of(), entries(rnd), entries(rnd)));
      }
      file.write(new ConfigSnapshot(GlobalPolicy.DEFAULT, entries(rnd), entries(rnd),
          round % 2 == 0 ? List.of() : List.of(new dev.portcullis.config.LimitEntry(
              dev.portcullis.address.Cidr.parse("198.51.100.0/24"), 7L, null)), apps, round));
      for (String app : List.of("api", "shop", "absent")) {
        AppRules fromSidecar = SidecarRulesReader.read(file, app, NOW).orElseThrow();
        AppRules fromJson = file.read(body -> new SnapshotRulesReader(app, codec).read(body, NOW)).orElseThrow();
        assertThat(fromSidecar.version()).isEqualTo(fromJson.version());
        assertThat(fromSidecar.mode()).isEqualTo(fromJson.mode());
        // the same entries; within a scope order carries no meaning (a block is listed once per scope),
        // but the global ones must precede the app's, whose entry for the same block wins
        assertThat(rows(fromSidecar.allow())).containsExactlyInAnyOrderElementsOf(rows(fromJson.allow()));
        assertThat(rows(fromSidecar.deny())).containsExactlyInAnyOrderElementsOf(rows(fromJson.deny()));
        assertGlobalFirst(fromSidecar.allow());
        assertGlobalFirst(fromSidecar.deny());
        compared += fromSidecar.allow().size() + fromSidecar.deny().size();
      }
    }
    assertThat(compared).as("entries compared").isGreaterThan(3_000);
  }

  @Test
  void aSidecarThatIsMissingDamagedOrFromAnOlderSnapshot_isNotUsed() throws Exception {
    SnapshotFile file = new SnapshotFile(dir.resolve("rules.snapshot"), new ConfigTreeCodec(codec));
    Path sidecar = ListsSidecar.pathOf(file.path());
    ConfigSnapshot one = new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(),
        List.of(new ListEntry(Cidr.parse("192.0.2.0/24"), null, "", "t", 1)), Map.of(), 1);
    file.write(one);
    assertThat(SidecarRulesReader.read(file, "shop", NOW)).isPresent();

    byte[] older = Files.readAllBytes(sidecar);
    file.write(new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(), List.of(), Map.of(), 2));
    Files.write(sidecar, older);
    assertThat(SidecarRulesReader.read(file, "shop", NOW)).as("a sidecar of another document").isEmpty();

    file.write(one);
    byte[] damaged = Files.readAllBytes(sidecar);
    damaged[damaged.length / 2] ^= 1;
    Files.write(sidecar, damaged);
    assertThat(SidecarRulesReader.read(file, "shop", NOW)).as("a damaged sidecar").isEmpty();

    Files.delete(sidecar);
    assertThat(SidecarRulesReader.read(file, "shop", NOW)).as("no sidecar").isEmpty();
  }

  private static List<ListEntry> entries(SplittableRandom rnd) {
    Map<Cidr, ListEntry> out = new LinkedHashMap<>();
    int n = rnd.nextInt(40);
    for (int i = 0; i < n; i++) {
      Cidr c = rnd.nextBoolean() ? Cidr.covering(IpAddress.ofV4(rnd.nextInt()), rnd.nextInt(33))
          : Cidr.covering(IpAddress.ofV6(rnd.nextLong(), rnd.nextLong()), rnd.nextInt(129));
      Long expiry = switch (rnd.nextInt(3)) {
        case 0 -> null;
        case 1 -> NOW - rnd.nextInt(1000);
        default -> NOW + 1 + rnd.nextInt(1000);
      };
      out.put(c, new ListEntry(c, expiry, "n" + i, "ops", 1));
    }
    return List.copyOf(out.values());
  }

  private static void assertGlobalFirst(RuleColumns c) {
    for (int i = 1; i < c.size(); i++) {
      assertThat(c.own(i - 1) && !c.own(i)).as("a global entry after an app's, at %d", i).isFalse();
    }
  }

  private static List<String> rows(RuleColumns c) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      rows.add(c.block(i) + " " + c.expiresAt(i) + " " + c.own(i));
    }
    return rows;
  }
}
