package dev.portcullis.client.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.portcullis.client.decide.Decision;
import dev.portcullis.client.decide.DecisionEngine;
import dev.portcullis.client.emit.CoalescingEmitter;
import dev.portcullis.client.notice.NoticeSubscriber;
import dev.portcullis.config.watch.ConfigWatcher;
import java.time.Clock;

/**
 * The client's gauges in a service's Dropwizard {@link MetricRegistry}, all under
 * {@code portcullis.client.<app>.}: decisions by outcome, active intercepts, the config's age and
 * invalid documents, events sent and dropped, notice lag and poison records. Gauges read the parts'
 * own counters when the registry is read; nothing is counted twice. Registering again replaces the
 * gauges of the same name (a service that rebuilds its client keeps one set).
 */
public final class ClientMetrics {

  private final MetricRegistry registry;
  private final String prefix;

  public ClientMetrics(MetricRegistry registry, String app) {
    this.registry = registry;
    this.prefix = "portcullis.client." + app + ".";
  }

  public void decisions(DecisionEngine engine) {
    gauge("decisions.allow", () -> engine.decisions(Decision.Outcome.ALLOW));
    gauge("decisions.deny", () -> engine.decisions(Decision.Outcome.DENY));
    gauge("decisions.limit", () -> engine.decisions(Decision.Outcome.LIMIT));
    gauge("decisions.failOpen", engine::failOpens);
    gauge("decisions.unparseableAddress", engine::unparseableAddresses);
    gauge("intercepts.active", () -> (long) engine.intercepts().size());
  }

  /** @param watcher the config watcher, or null when the client runs without ZooKeeper */
  public void config(ConfigWatcher watcher, Clock clock) {
    gauge("config.ageMillis", () -> watcher == null || watcher.stats().lastUpdateMillis() == 0 ? -1L
        : clock.millis() - watcher.stats().lastUpdateMillis());
    gauge("config.invalidDocuments", () -> watcher == null ? 0L : watcher.stats().invalidDocuments());
  }

  public void events(CoalescingEmitter emitter) {
    gauge("events.sentRecords", emitter::sentRecords);
    gauge("events.sentRequests", emitter::sentRequests);
    gauge("events.dropped", emitter::droppedAccesses);
    gauge("events.countedLater", emitter::countedLater);
  }

  public void notices(NoticeSubscriber notices) {
    gauge("notices.lagMillis", notices::lastLagMillis);
    gauge("notices.poison", notices::poisonRecords);
    gauge("notices.refused", notices::refusedNotices);
  }

  private void gauge(String name, Gauge<Long> g) {
    registry.remove(prefix + name);
    registry.register(prefix + name, g);
  }
}
