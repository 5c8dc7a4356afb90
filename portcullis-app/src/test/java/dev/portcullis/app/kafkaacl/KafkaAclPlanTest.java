package dev.portcullis.app.kafkaacl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** Who may write which topic: the plan that {@code portcullis kafka-acls} prints and applies. */
class KafkaAclPlanTest {

  private final KafkaAclPlan plan = KafkaAclPlan.of(List.of("User:svc"), List.of("User:agg"), List.of("User:ntf"));

  @Test
  void onlyNotifiersWriteNotices_onlyServicesWriteAccesses() {
    assertThat(plan.allows("User:ntf", AclOperation.WRITE, "acl.notices")).isTrue();
    assertThat(plan.allows("User:svc", AclOperation.WRITE, "acl.notices")).isFalse();
    assertThat(plan.allows("User:agg", AclOperation.WRITE, "acl.notices")).isFalse();
    assertThat(plan.allows("User:svc", AclOperation.WRITE, "acl.access")).isTrue();
    assertThat(plan.allows("User:agg", AclOperation.WRITE, "acl.access")).isFalse();
    assertThat(plan.allows("User:ntf", AclOperation.WRITE, "acl.access")).isFalse();
    assertThat(plan.allows("User:svc", AclOperation.READ, "acl.notices")).isTrue();
    assertThat(plan.allows("User:svc", AclOperation.WRITE, "acl.audit")).isFalse();
    assertThat(plan.allows("User:agg", AclOperation.WRITE, "portcullis-aggregator-rekeyed")).isTrue();
  }

  @Test
  void noOneIsGrantedTheClusterOrAnything() {
    assertThat(plan.bindings()).allSatisfy(b -> {
      assertThat(b.pattern().resourceType()).isNotEqualTo(ResourceType.CLUSTER);
      assertThat(b.entry().operation()).isNotEqualTo(AclOperation.ALL);
      assertThat(b.pattern().name()).isNotEqualTo("*");
    });
  }

  @Test
  void badPrincipalsAndAnEmptyPlan_areRefused() {
    assertThatThrownBy(() -> KafkaAclPlan.of(List.of("svc"), List.of(), List.of())).hasMessageContaining("Type:name");
    assertThatThrownBy(() -> KafkaAclPlan.of(List.of(), List.of(), List.of())).hasMessageContaining("at least one principal");
  }

  @Test
  void print_givesOneKafkaAclsCommandPerPrincipalAndResource() {
    StringWriter out = new StringWriter();
    int code = KafkaAclsCommand.run(new String[] {"--service", "User:svc", "--notifier", "User:ntf", "--bootstrap-server",
        "kafka-1:9093"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
    assertThat(code).isZero();
    assertThat(out.toString().lines().toList()).containsExactly(
        "kafka-acls.sh --bootstrap-server kafka-1:9093 --command-config admin.properties --add --allow-principal User:svc"
            + " --operation Write --operation Describe --topic acl.access",
        "kafka-acls.sh --bootstrap-server kafka-1:9093 --command-config admin.properties --add --allow-principal User:svc"
            + " --operation Read --operation Describe --topic acl.notices",
        "kafka-acls.sh --bootstrap-server kafka-1:9093 --command-config admin.properties --add --allow-principal User:ntf"
            + " --operation Read --operation Write --operation Describe --operation Create --topic acl.notices",
        "kafka-acls.sh --bootstrap-server kafka-1:9093 --command-config admin.properties --add --allow-principal User:ntf"
            + " --operation Write --operation Describe --operation Create --topic acl.audit");
  }

  @Test
  void apply_withoutAnAdminConfig_isRefusedBeforeConnecting() {
    StringWriter err = new StringWriter();
    int code = KafkaAclsCommand.run(new String[] {"--service", "User:svc", "--apply"}, new PrintWriter(new StringWriter()),
        new PrintWriter(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--apply needs --command-config");
  }
}
