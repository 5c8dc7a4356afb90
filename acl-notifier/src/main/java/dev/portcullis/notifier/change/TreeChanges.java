package dev.portcullis.notifier.change;

import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.LimitEntry;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.keys.ListKind;
import dev.portcullis.wire.AuditRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits every change of the rules tree as the leading notifier's watcher sees it, whoever made it:
 * the API (which also audits it, as the operator, before making it), the CLI, zkCli or a script. Each
 * record says what changed, with actor {@code zookeeper}, the entry's self-declared {@code by} and the
 * tree's version (the highest mzxid) as evidence. The first tree a notifier sees is its baseline;
 * entries that leave the tree after their expiry are the janitor's to audit. At most {@link #MAX_RECORDS}
 * records per change, then one that counts the rest. Called on the watcher's thread.
 */
public final class TreeChanges implements Consumer<ConfigSnapshot> {

  private static final Logger LOG = LoggerFactory.getLogger(TreeChanges.class);
  static final int MAX_RECORDS = 100;
  static final String ACTOR = "zookeeper";

  private final Consumer<AuditRecord> sink;
  private final BooleanSupplier leading;
  private final Clock clock;
  private ConfigSnapshot previous;

  public TreeChanges(Consumer<AuditRecord> sink, BooleanSupplier leading, Clock clock) {
    this.sink = sink;
    this.leading = leading;
    this.clock = clock;
  }

  @Override
  public synchronized void accept(ConfigSnapshot next) {
    ConfigSnapshot before = previous;
    previous = next;
    if (before == null || !leading.getAsBoolean()) {
      return;
    }
    long now = clock.millis();
    List<AuditRecord> records = diff(before, next, now);
    int written = 0;
    for (AuditRecord r : records) {
      if (written == MAX_RECORDS) {
        sink.accept(record(now, AuditRecord.Kind.POLICY_CHANGED, KafkaKeys.ALL_APPS, null,
            (records.size() - MAX_RECORDS) + " more changes in this tree version, not listed one by one", next.version(),
            Map.of()));
        LOG.info("tree version {}: {} changes audited, {} summarised", next.version(), MAX_RECORDS,
            records.size() - MAX_RECORDS);
        return;
      }
      sink.accept(r);
      written++;
    }
  }

  List<AuditRecord> diff(ConfigSnapshot a, ConfigSnapshot b, long now) {
    List<AuditRecord> out = new ArrayList<>();
    if (!Objects.equals(a.global(), b.global())) {
      out.add(record(now, AuditRecord.Kind.POLICY_CHANGED, KafkaKeys.ALL_APPS, null, "global policy changed in ZooKeeper",
          b.version(), Map.of()));
    }
    lists(out, KafkaKeys.ALL_APPS, ListKind.ALLOW, a.globalAllow(), b.globalAllow(), now, b.version());
    lists(out, KafkaKeys.ALL_APPS, ListKind.DENY, a.globalDeny(), b.globalDeny(), now, b.version());
    limits(out, KafkaKeys.ALL_APPS, a.globalLimits(), b.globalLimits(), b.version(), now);
    Set<String> apps = new TreeSet<>(a.apps().keySet());
    apps.addAll(b.apps().keySet());
    for (String app : apps) {
      AppConfig x = a.apps().get(app);
      AppConfig y = b.apps().get(app);
      AppPolicy px = x == null ? null : x.policy();
      AppPolicy py = y == null ? null : y.policy();
      if (!Objects.equals(px, py)) {
        out.add(record(now, AuditRecord.Kind.POLICY_CHANGED, app, null, "app policy " + (py == null ? "removed" : "changed")
            + " in ZooKeeper", b.version(), Map.of()));
      }
      limits(out, app, x == null ? List.of() : x.limits(), y == null ? List.of() : y.limits(), b.version(), now);
      lists(out, app, ListKind.ALLOW, x == null ? List.of() : x.allow(), y == null ? List.of() : y.allow(), now, b.version());
      lists(out, app, ListKind.DENY, x == null ? List.of() : x.deny(), y == null ? List.of() : y.deny(), now, b.version());
    }
    return out;
  }

  private void lists(List<AuditRecord> out, String app, ListKind kind, List<ListEntry> before, List<ListEntry> after,
      long now, long version) {
    if (before == after) {
      return;
    }
    Map<Object, ListEntry> was = new HashMap<>();
    before.forEach(e -> was.put(e.cidr(), e));
    String list = kind.node() + " list";
    for (ListEntry e : after) {
      ListEntry old = was.remove(e.cidr());
      if (old == null || !old.equals(e)) {
        Map<String, String> ev = new HashMap<>();
        ev.put("by", e.by().length() > 64 ? e.by().substring(0, 64) : e.by());
        if (e.forced() != null) {
          ev.put("forced", e.forced());
        }
        out.add(record(now, AuditRecord.Kind.LIST_ADDED, app, e, (old == null ? "added to the " : "changed on the ") + list
            + " in ZooKeeper", version, ev));
      }
    }
    for (ListEntry gone : was.values()) {
      if (gone.isActiveAt(now)) { // an expired entry's deletion is the janitor's, audited by it
        out.add(record(now, AuditRecord.Kind.LIST_REMOVED, app, gone, "removed from the " + list + " in ZooKeeper",
            version, Map.of()));
      }
    }
  }

  private void limits(List<AuditRecord> out, String app, List<LimitEntry> before, List<LimitEntry> after, long version,
      long now) {
    if (!new java.util.HashSet<>(before).equals(new java.util.HashSet<>(after))) {
      out.add(record(now, AuditRecord.Kind.POLICY_CHANGED, app, null, "per-address limits changed in ZooKeeper ("
          + before.size() + " -> " + after.size() + ")", version, Map.of()));
    }
  }

  private static AuditRecord record(long now, AuditRecord.Kind kind, String app, Object entry, String what, long version,
      Map<String, String> evidence) {
    Map<String, String> ev = new HashMap<>(evidence);
    ev.put("source", "observed in the ZooKeeper tree");
    ev.put("treeVersion", Long.toString(version));
    return new AuditRecord(UUID.randomUUID().toString(), now, ACTOR, kind, app,
        entry instanceof ListEntry e ? e.cidr() : null, 0, what, version, ev);
  }
}
