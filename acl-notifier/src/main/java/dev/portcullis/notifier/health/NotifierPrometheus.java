package dev.portcullis.notifier.health;

import dev.portcullis.notifier.intercept.InterceptBook;
import dev.portcullis.notifier.leader.NotifierService;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/**
 * The notifier's metrics for Prometheus (served on the admin connector at {@code /prometheus} by the
 * Prometheus client's own servlet), named by its conventions: {@code portcullis_notifier_} + what,
 * counters ending in {@code _total}, seconds for durations; and the JVM's ({@code jvm_*}).
 */
public final class NotifierPrometheus {

  private NotifierPrometheus() {}

  /**
   * @param alertsDropped alerts dropped (queue full), or null without alerts
   * @param alertsFailed  alerts that failed every attempt, or null without alerts
   */
  public static PrometheusRegistry registry(NotifierService s, InterceptBook book, LongSupplier alertsDropped,
      LongSupplier alertsFailed) {
    PrometheusRegistry r = new PrometheusRegistry();
    counter(r, "portcullis_notifier_scans", "scans of every app made while leading", s::scans);
    counter(r, "portcullis_notifier_breaches", "targets found over a limit, each scan", s::breaches);
    counter(r, "portcullis_notifier_judge_failures",
        "apps whose scan, or breaches whose judgement, failed (each retried at a later tick)", s::judgeFailures);
    counter(r, "portcullis_notifier_valve_refusal_episodes",
        "targets the safety valve refused to intercept (once per target per episode)", book::valveEpisodes);
    GaugeWithCallback.builder().name("portcullis_notifier_last_scan_duration_seconds")
        .help("duration of the last scan").callback(c -> c.call(Math.max(0, s.lastScanMicros()) / 1e6)).register(r);
    GaugeWithCallback.builder().name("portcullis_notifier_last_reaction_seconds")
        .help("for the last intercept issued: seconds from the end of the window that showed the breach to the notice")
        .callback(c -> c.call(book.lastReactionMillis() < 0 ? 0 : book.lastReactionMillis() / 1e3)).register(r);
    GaugeWithCallback.builder().name("portcullis_notifier_active_intercepts")
        .help("intercepts in force held by this notifier (0 on a standby)").callback(c -> c.call(book.active().size()))
        .register(r);
    GaugeWithCallback.builder().name("portcullis_notifier_leader")
        .help("1 while this notifier leads and serves, else 0")
        .callback(c -> c.call(s.isLeader() && s.notServingReason() == null ? 1 : 0)).register(r);
    if (alertsDropped != null) {
      counter(r, "portcullis_notifier_alerts_dropped", "webhook alerts dropped, the queue being full", alertsDropped);
      counter(r, "portcullis_notifier_alerts_failed", "webhook alerts that failed every attempt", alertsFailed);
    }
    JvmMetrics.builder().register(r);
    return r;
  }

  private static void counter(PrometheusRegistry r, String name, String help, LongSupplier value) {
    CounterWithCallback.builder().name(name).help(help).callback(c -> c.call(value.getAsLong())).register(r);
  }
}
