package dev.portcullis.config.store;

import dev.portcullis.keys.ListKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes allow and deny entries whose {@code expiresAt} has passed. Expired entries are already
 * inert everywhere; the janitor only keeps ZooKeeper tidy. Each delete is conditional on the
 * version it read, so an entry renewed meanwhile survives. Run it on one elected process (the
 * notifier leader); running it twice at once is harmless.
 */
public final class ListJanitor {

  private static final Logger LOG = LoggerFactory.getLogger(ListJanitor.class);

  private final ConfigStore store;
  private final Clock clock;

  public ListJanitor(ConfigStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** What one sweep removed, for audit. */
  public record Removed(String app, ListKind kind, ConfigStore.StoredEntry entry) {}

  /** One pass over every list; returns the entries it deleted. */
  public List<Removed> sweep() {
    long now = clock.millis();
    List<Removed> removed = new ArrayList<>();
    List<String> scopes = new ArrayList<>();
    scopes.add(null);
    scopes.addAll(store.apps());
    for (String app : scopes) {
      for (ListKind kind : ListKind.values()) {
        List<ConfigStore.StoredEntry> entries = store.storedEntries(app, kind,
            bad -> LOG.warn("janitor leaves an invalid entry alone: {}", bad.getMessage()));
        for (ConfigStore.StoredEntry e : entries) {
          if (!e.entry().isActiveAt(now) && store.removeEntryIfUnchanged(e.path(), e.version())) {
            removed.add(new Removed(app, kind, e));
          }
        }
      }
    }
    if (!removed.isEmpty()) {
      LOG.info("janitor removed {} expired list entries", removed.size());
    }
    return removed;
  }
}
