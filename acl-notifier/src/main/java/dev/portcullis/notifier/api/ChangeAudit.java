package dev.portcullis.notifier.api;

import dev.portcullis.address.Cidr;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.wire.AuditRecord;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Writes an audit record for every change of rules and lists made through the API: who (the
 * {@code X-Portcullis-Actor} header, or the list entry's {@code by}, else {@code api}), what, and the
 * new value.
 */
public final class ChangeAudit {

  /** The request header that names who makes a change (the dashboard sends {@code dashboard}). */
  public static final String ACTOR_HEADER = "X-Portcullis-Actor";

  private final Consumer<AuditRecord> sink;
  private final Clock clock;

  public ChangeAudit(Consumer<AuditRecord> sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  /** {@code app} null for a global change. */
  public void record(String actor, AuditRecord.Kind kind, String app, Cidr target, String what) {
    String who = actor == null || !Identifiers.isLabel(actor) ? "api" : actor;
    sink.accept(new AuditRecord(UUID.randomUUID().toString(), clock.millis(), who, kind,
        app == null ? KafkaKeys.ALL_APPS : app, target, 0, what.length() > 500 ? what.substring(0, 497) + "..." : what,
        -1, Map.of()));
  }
}
