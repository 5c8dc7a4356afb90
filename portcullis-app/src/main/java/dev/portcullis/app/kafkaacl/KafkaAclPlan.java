package dev.portcullis.app.kafkaacl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs of a Portcullis deployment, least privilege for its three kinds of principal:
 * <ul>
 *   <li>services (the {@code AclClient} in every service): write {@code acl.access}, read
 *       {@code acl.notices} (assigned, no group);
 *   <li>aggregators: read {@code acl.access}, write {@code acl.access.dlq}, and everything a Kafka
 *       Streams application with exactly-once needs under its {@code applicationId}: its internal
 *       topics (prefixed), its consumer group and its transactional ids (prefixed); they create the
 *       topics they use if missing;
 *   <li>notifiers: read and write {@code acl.notices}, write {@code acl.audit}, and create them.
 * </ul>
 * No one is granted anything on the cluster, nor any other principal's writes: a service that is
 * taken over cannot forge a notice, and an aggregator cannot.
 *
 * @param services      principals of services, e.g. {@code User:svc-shop}
 * @param aggregators   principals of aggregator workers
 * @param notifiers     principals of notifiers
 * @param applicationId the aggregators' {@code kafka.applicationId}
 */
public record KafkaAclPlan(List<String> services, List<String> aggregators, List<String> notifiers, String applicationId,
    String accessTopic, String dlqTopic, String noticesTopic, String auditTopic) {

  public KafkaAclPlan {
    services = List.copyOf(services);
    aggregators = List.copyOf(aggregators);
    notifiers = List.copyOf(notifiers);
    for (List<String> ps : List.of(services, aggregators, notifiers)) {
      for (String p : ps) {
        if (!p.matches("[A-Za-z]+:[^\\s,]+")) {
          throw new IllegalArgumentException("a principal is Type:name, e.g. User:svc-shop, was \"" + p + "\"");
        }
      }
    }
    if (services.isEmpty() && aggregators.isEmpty() && notifiers.isEmpty()) {
      throw new IllegalArgumentException("name at least one principal (--service, --aggregator, --notifier)");
    }
  }

  /** With the default topic names and {@code applicationId} {@code portcullis-aggregator}. */
  public static KafkaAclPlan of(List<String> services, List<String> aggregators, List<String> notifiers) {
    return new KafkaAclPlan(services, aggregators, notifiers, "portcullis-aggregator", "acl.access", "acl.access.dlq",
        "acl.notices", "acl.audit");
  }

  /** Every ACL, in a stable order: by principal kind, then resource. */
  public List<AclBinding> bindings() {
    List<AclBinding> out = new ArrayList<>();
    for (String p : services) {
      add(out, p, topic(accessTopic), AclOperation.WRITE, AclOperation.DESCRIBE);
      add(out, p, topic(noticesTopic), AclOperation.READ, AclOperation.DESCRIBE);
    }
    for (String p : aggregators) {
      add(out, p, topic(accessTopic), AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE,
          AclOperation.DESCRIBE_CONFIGS);
      add(out, p, topic(dlqTopic), AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE,
          AclOperation.DESCRIBE_CONFIGS);
      add(out, p, new ResourcePattern(ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED), AclOperation.READ,
          AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE, AclOperation.DESCRIBE_CONFIGS);
      add(out, p, new ResourcePattern(ResourceType.GROUP, applicationId, PatternType.LITERAL), AclOperation.READ,
          AclOperation.DESCRIBE);
      add(out, p, new ResourcePattern(ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED),
          AclOperation.WRITE, AclOperation.DESCRIBE);
    }
    for (String p : notifiers) {
      add(out, p, topic(noticesTopic), AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE);
      add(out, p, topic(auditTopic), AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE);
    }
    return out;
  }

  /** Whether a binding of this plan lets {@code principal} do {@code op} on the literal {@code topic}. */
  public boolean allows(String principal, AclOperation op, String topic) {
    for (AclBinding b : bindings()) {
      ResourcePattern r = b.pattern();
      boolean matches = r.resourceType() == ResourceType.TOPIC && (r.patternType() == PatternType.LITERAL
          ? r.name().equals(topic) : topic.startsWith(r.name()));
      if (matches && b.entry().principal().equals(principal) && b.entry().operation() == op) {
        return true;
      }
    }
    return false;
  }

  /** The principals of the plan. */
  public Set<String> principals() {
    Set<String> all = new java.util.LinkedHashSet<>(services);
    all.addAll(aggregators);
    all.addAll(notifiers);
    return all;
  }

  private static ResourcePattern topic(String name) {
    return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
  }

  private static void add(List<AclBinding> out, String principal, ResourcePattern resource, AclOperation... ops) {
    for (AclOperation op : ops) {
      out.add(new AclBinding(resource, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
    }
  }
}
