package dev.portcullis.notifier.change;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import dev.portcullis.notifier.fixtures.FakeClock;
import dev.portcullis.wire.AuditRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Every change of the tree is audited by the leader, whoever made it; the first tree is the baseline. */
class TreeChangesTest {

  private final FakeClock clock = new FakeClock();
  private final List<AuditRecord> audits = new ArrayList<>();
  private final AtomicBoolean leading = new AtomicBoolean(true);
  private final TreeChanges changes = new TreeChanges(audits::add, leading::get, clock);

  private static ListEntry entry(String cidr, String by, Long expiresAt) {
    return new ListEntry(Cidr.parse(cidr), expiresAt, "", by, 1);
  }

  private static ConfigSnapshot tree(List<ListEntry> deny, AppMode shop, long version) {
    return new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(), deny,
        Map.of("shop", new AppConfig("shop", new AppPolicy(shop, null, null, List.of(), false), List.of(), List.of(), List.of())),
        version);
  }

  @Test
  void aRawWriteAndARemovalAndAPolicyChange_areAuditedWithTheTreeVersion_afterTheBaseline() {
    changes.accept(tree(List.of(entry("198.51.100.0/24", "ops", null)), AppMode.OPEN, 10));
    assertThat(audits).as("the first tree is the baseline").isEmpty();

    changes.accept(tree(List.of(entry("203.0.113.0/24", "zkcli-mallory", null)), AppMode.CLOSED, 11));
    assertThat(audits).extracting(AuditRecord::kind).containsExactlyInAnyOrder(AuditRecord.Kind.LIST_ADDED,
        AuditRecord.Kind.LIST_REMOVED, AuditRecord.Kind.POLICY_CHANGED);
    assertThat(audits).allSatisfy(a -> {
      assertThat(a.actor()).isEqualTo("zookeeper");
      assertThat(a.evidence()).containsEntry("treeVersion", "11");
    });
    assertThat(audits).filteredOn(a -> a.kind() == AuditRecord.Kind.LIST_ADDED).singleElement()
        .satisfies(a -> assertThat(a.evidence()).containsEntry("by", "zkcli-mallory"));
  }

  @Test
  void anExpiredEntryLeavingTheTree_isTheJanitorsToAudit() {
    changes.accept(tree(List.of(entry("198.51.100.0/24", "ops", FakeClock.T0 - 1)), AppMode.OPEN, 10));
    changes.accept(tree(List.of(), AppMode.OPEN, 11));
    assertThat(audits).isEmpty();
  }

  @Test
  void aStandby_auditsNothing() {
    leading.set(false);
    changes.accept(tree(List.of(), AppMode.OPEN, 10));
    changes.accept(tree(List.of(entry("203.0.113.0/24", "x", null)), AppMode.OPEN, 11));
    assertThat(audits).isEmpty();
  }

  @Test
  void aMassChange_isAuditedOneByOneUpToTheBound_thenCounted() {
    changes.accept(tree(List.of(), AppMode.OPEN, 10));
    List<ListEntry> many = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      many.add(entry("10.1." + i + ".0/24", "import", null));
    }
    changes.accept(tree(many, AppMode.OPEN, 11));
    assertThat(audits).hasSize(TreeChanges.MAX_RECORDS + 1);
    assertThat(audits.get(TreeChanges.MAX_RECORDS).reason()).startsWith("50 more changes");
  }
}
