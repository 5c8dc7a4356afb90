package dev.portcullis.client.config;

import dev.portcullis.client.decide.AppRules;
import dev.portcullis.client.decide.RuleColumns;
import dev.portcullis.config.watch.ListsSidecar;
import dev.portcullis.config.watch.SnapshotFile;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One app's rules from the binary lists beside a snapshot file ({@link ListsSidecar}), when they
 * belong to the document the snapshot holds: a million entries in a few hundred milliseconds even in
 * a fresh JVM. Empty when there is no such sidecar (the caller then streams the snapshot's JSON).
 */
final class SidecarRulesReader {

  private SidecarRulesReader() {}

  /** The rules in force in the snapshot, counted from its sidecar as the config watcher counts them; empty without one. */
  static OptionalInt rulesInForce(SnapshotFile file, long nowMillis) {
    Optional<String> document = file.documentChecksum();
    return document.isEmpty() ? OptionalInt.empty()
        : ListsSidecar.rulesInForce(ListsSidecar.pathOf(file.path()), document.get(), nowMillis);
  }

  static Optional<AppRules> read(SnapshotFile file, String app, long nowMillis) {
    Optional<String> document = file.documentChecksum();
    if (document.isEmpty()) {
      return Optional.empty();
    }
    // the sidecar holds the global scope before the app's: each list fills in precedence order
    RuleColumns allow = new RuleColumns(16);
    RuleColumns deny = new RuleColumns(16);
    return ListsSidecar.read(ListsSidecar.pathOf(file.path()), document.get(), app, new ListsSidecar.Sink() {
      @Override
      public void expect(int allowEntries, int denyEntries) {
        allow.ensureCapacity(allow.size() + allowEntries);
        deny.ensureCapacity(deny.size() + denyEntries);
      }

      @Override
      public void entry(boolean isAllow, boolean own, boolean v4, long hi, long lo, int prefix, long expiresAt) {
        if (expiresAt == 0 || expiresAt > nowMillis) {
          (isAllow ? allow : deny).add(v4, hi, lo, prefix, expiresAt, own);
        }
      }
    }).map(h -> new AppRules(h.version(), h.mode(), allow.trim(), deny.trim()));
  }
}
