package dev.portcullis.notifier.api;

import dev.portcullis.address.Cidr;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.notifier.operator.Operator;
import dev.portcullis.wire.AuditRecord;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits every change of rules and lists made through the API before it is made: who (the
 * authenticated operator), what, and the new value. The record is written first and must be
 * acknowledged; if it cannot be, the change is not made ({@link Unavailable}, answered 503). If the
 * change then fails, a second record says it was not made and why.
 */
public final class ChangeAudit {

  private static final Logger LOG = LoggerFactory.getLogger(ChangeAudit.class);

  /** No audit record could be written, so the change was not made. */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Consumer<AuditRecord> sink;
  private final Clock clock;

  /** @param sink writes one record and returns once it is stored; throws if it cannot */
  public ChangeAudit(Consumer<AuditRecord> sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  /**
   * Audits, then makes, a change by the operator of {@code sc}.
   *
   * @param app      null for a global change
   * @param evidence extra fields of the record, e.g. {@code forced}
   * @param change   the change; its result is returned
   * @throws Unavailable if the record cannot be written (nothing changed)
   */
  public <T> T audited(SecurityContext sc, AuditRecord.Kind kind, String app, Cidr target, String what,
      Map<String, String> evidence, Supplier<T> change) {
    String who = actor(sc);
    write(who, kind, app, target, what, evidence);
    try {
      T result = change.get();
      if (Boolean.FALSE.equals(result)) {
        followUp(who, kind, app, target, what, "nothing to change");
      }
      return result;
    } catch (RuntimeException e) {
      followUp(who, kind, app, target, what, e.getMessage());
      throw e;
    }
  }

  /** Audits what the notifier itself did ({@code actor} e.g. {@code janitor}); a failure is logged. */
  public void record(String actor, AuditRecord.Kind kind, String app, Cidr target, String what) {
    try {
      write(actor, kind, app, target, what, Map.of());
    } catch (Unavailable e) {
      LOG.error("could not audit {} by {}: {}", kind, actor, e.getMessage());
    }
  }

  /** The authenticated operator's name (the API requires one for every change). */
  static String actor(SecurityContext sc) {
    Operator op = OperatorAuthFilter.operator(sc);
    if (op == null) {
      throw new IllegalStateException("a change reached a resource without an authenticated operator");
    }
    return op.name();
  }

  private void write(String who, AuditRecord.Kind kind, String app, Cidr target, String what, Map<String, String> evidence) {
    AuditRecord r = new AuditRecord(UUID.randomUUID().toString(), clock.millis(), who, kind,
        app == null ? KafkaKeys.ALL_APPS : app, target, 0, what.length() > 500 ? what.substring(0, 497) + "..." : what,
        -1, evidence);
    try {
      sink.accept(r);
    } catch (RuntimeException e) {
      throw new Unavailable("the change was not made: its audit record could not be written (" + e.getMessage() + ")", e);
    }
  }

  private void followUp(String who, AuditRecord.Kind kind, String app, Cidr target, String what, String why) {
    Map<String, String> ev = new HashMap<>();
    ev.put("outcome", "not made");
    ev.put("why", why == null ? "unknown" : why.length() > 200 ? why.substring(0, 200) : why);
    try {
      write(who, kind, app, target, "NOT MADE: " + what, ev);
    } catch (Unavailable e) {
      LOG.error("could not audit that a change by {} was not made: {}", who, e.getMessage());
    }
  }
}
