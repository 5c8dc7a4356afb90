package dev.portcullis.client.decide;

import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ListEntry;

/**
 * What one app's client needs of the whole configuration: the version, the app's mode, and its allow
 * and deny lists merged with the global ones ({@link RuleColumns}). Limits, quotas and other apps are
 * the notifier's business. Built from a parsed {@link ConfigSnapshot} (ZooKeeper) or read straight
 * from a snapshot file ({@link SnapshotRulesReader}) without building the whole tree.
 */
public record AppRules(long version, AppMode mode, RuleColumns allow, RuleColumns deny) {

  /** The app's part of {@code snapshot}. */
  public static AppRules of(String app, ConfigSnapshot snapshot) {
    AppConfig a = snapshot.apps().get(app);
    return new AppRules(snapshot.version(), snapshot.policy(app).mode(),
        columns(snapshot.globalAllow(), a == null ? null : a.allow()),
        columns(snapshot.globalDeny(), a == null ? null : a.deny()));
  }

  private static RuleColumns columns(java.util.List<ListEntry> global, java.util.List<ListEntry> own) {
    RuleColumns c = new RuleColumns(global.size() + (own == null ? 0 : own.size()));
    global.forEach(e -> c.add(e, false));
    if (own != null) {
      own.forEach(e -> c.add(e, true));
    }
    return c.trim();
  }

  /** These rules without the list entries lapsed at {@code nowMillis}. */
  AppRules withoutLapsed(long nowMillis) {
    return new AppRules(version, mode, allow.withoutLapsed(nowMillis), deny.withoutLapsed(nowMillis));
  }
}
