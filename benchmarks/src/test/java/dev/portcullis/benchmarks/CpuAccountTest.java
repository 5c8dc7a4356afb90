package dev.portcullis.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuAccountTest {

  @Test
  void threadsAreGroupedByTheirTruncatedNames_theBrokersCoordinatorIsNotTheConsumers() {
    assertThat(CpuAccount.groupOf("portcullis-aggr")).isEqualTo(CpuAccount.Group.AGGREGATOR);
    assertThat(CpuAccount.groupOf("rocksdb:low")).isEqualTo(CpuAccount.Group.AGGREGATOR);
    assertThat(CpuAccount.groupOf("kafka-producer-")).isEqualTo(CpuAccount.Group.AGGREGATOR);
    assertThat(CpuAccount.groupOf("kafka-coordinat")).isEqualTo(CpuAccount.Group.AGGREGATOR);
    assertThat(CpuAccount.groupOf("group-coordinat")).isEqualTo(CpuAccount.Group.BROKER_AND_REST);
    assertThat(CpuAccount.groupOf("data-plane-kafk")).isEqualTo(CpuAccount.Group.BROKER_AND_REST);
    assertThat(CpuAccount.groupOf("C2 CompilerThre")).isEqualTo(CpuAccount.Group.JIT);
    assertThat(CpuAccount.groupOf("G1 Conc#0")).isEqualTo(CpuAccount.Group.GC);
    assertThat(CpuAccount.groupOf("GC Thread#1")).isEqualTo(CpuAccount.Group.GC);
  }

  @Test
  void userAndSystemTicksAreReadAfterTheName_evenANameWithSpacesAndParentheses() {
    String stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194368 10 0 0 0 1234 56 0 0 20 0 1 0 100 0 0";
    assertThat(CpuAccount.ticksOf(stat)).isEqualTo(1234 + 56);
  }

  @Test
  void since_isTheDifferenceOfEachGroup() {
    Map<CpuAccount.Group, Double> d = CpuAccount.since(Map.of(CpuAccount.Group.REDIS, 1.5),
        Map.of(CpuAccount.Group.REDIS, 4.0, CpuAccount.Group.GC, 2.0));
    assertThat(d).containsEntry(CpuAccount.Group.REDIS, 2.5).containsEntry(CpuAccount.Group.GC, 2.0);
  }

  @Test
  void aSnapshotOfThisJvm_hasUsedSomeCpu() throws Exception {
    Map<CpuAccount.Group, Double> s = new CpuAccount(-1).snapshot();
    assertThat(s.values().stream().mapToDouble(Double::doubleValue).sum()).isPositive();
  }
}
