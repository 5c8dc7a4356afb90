package dev.portcullis.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.json.DocumentReader;
import dev.portcullis.json.InvalidDocumentException;
import dev.portcullis.json.Json;
import dev.portcullis.json.Problems;
import dev.portcullis.keys.Identifiers;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Strict JSON serde for the wire messages. Readers reject unknown fields, missing required
 * fields and out-of-range values, listing every problem with the field's name; writers emit
 * compact UTF-8 with fields in the documented order and optional fields omitted when absent.
 *
 * <p>Thread-safe.
 */
public final class WireCodec {

  private final Json json;
  private final FastAccessEventReader fastAccessEvents = new FastAccessEventReader();

  public WireCodec(Json json) {
    this.json = json;
  }

  public WireCodec() {
    this(new Json());
  }

  // ---- access events

  public byte[] write(AccessEvent e) {
    ObjectNode o = json.object();
    o.put("v", AccessEvent.VERSION);
    o.put("app", e.app());
    o.put("iface", e.iface());
    o.put("ip", e.ip().toString());
    if (e.caller() != null) {
      o.put("caller", e.caller());
    }
    o.put("ts", e.ts());
    o.put("n", e.n());
    o.put("denied", e.denied());
    o.put("node", e.node());
    return json.bytes(o);
  }

  /**
   * Reads an access event: one streaming pass for a valid event, the strict tree reader (which
   * lists every problem) for anything else.
   *
   * @throws InvalidDocumentException listing every problem
   */
  public AccessEvent readAccessEvent(byte[] utf8, String source) {
    AccessEvent fast = fastAccessEvents.read(utf8);
    return fast != null ? fast : readAccessEventStrictly(utf8, source);
  }

  /** The strict tree reader alone; {@link #readAccessEvent} gives the same answers, faster. */
  AccessEvent readAccessEventStrictly(byte[] utf8, String source) {
    Problems problems = new Problems(source);
    DocumentReader r = new DocumentReader(json.parse(utf8, source), "", problems);
    r.version(AccessEvent.VERSION);
    String app = r.string("app", true, 63, Identifiers::isApp, Identifiers.APP_RULE);
    String iface = r.string("iface", true, 200, Identifiers::isLabel, Identifiers.LABEL_RULE);
    var ip = r.ip("ip", true);
    String caller = r.string("caller", false, 200, Identifiers::isLabel, Identifiers.LABEL_RULE);
    Long ts = r.integer("ts", true, 0, Long.MAX_VALUE);
    Long n = r.integer("n", true, 1, Long.MAX_VALUE);
    Long denied = r.integer("denied", true, 0, Long.MAX_VALUE);
    String node = r.string("node", true, 128, Identifiers::isNode, Identifiers.NODE_RULE);
    r.finish();
    if (n != null && denied != null && denied > n) {
      problems.add("denied must be between 0 and n (" + n + "), was " + denied);
    }
    problems.throwIfAny();
    return new AccessEvent(app, iface, ip, caller, ts, n, denied, node);
  }

  // ---- intercept notices

  public byte[] write(InterceptNotice x) {
    ObjectNode o = json.object();
    o.put("v", InterceptNotice.VERSION);
    o.put("id", x.id());
    o.put("app", x.app());
    if (x.target() != null) {
      o.put("target", x.target().toCompactString());
    } else {
      ObjectNode q = o.putObject("quota");
      q.put("caller", x.quota().caller());
      q.put("iface", x.quota().iface());
    }
    o.put("action", x.action().name());
    o.put("level", x.level());
    o.put("reason", x.reason());
    o.put("issuedAt", x.issuedAt());
    if (x.expiresAt() != null) {
      o.put("expiresAt", x.expiresAt());
    }
    return json.bytes(o);
  }

  public InterceptNotice readNotice(byte[] utf8, String source) {
    Problems problems = new Problems(source);
    DocumentReader r = new DocumentReader(json.parse(utf8, source), "", problems);
    r.version(InterceptNotice.VERSION);
    String id = r.string("id", true, 64, null, null);
    String app = r.string("app", true, 63, null, null);
    if (app != null && !app.equals("*") && !Identifiers.isApp(app)) {
      problems.add("app must be '*' or " + Identifiers.APP_RULE + ", was \"" + app + "\"");
    }
    var target = r.cidr("target", false);
    var quota = r.object("quota", false, q -> {
      String caller = q.string("caller", true, 200, Identifiers::isLabel, Identifiers.LABEL_RULE);
      String iface = q.string("iface", true, 200, Identifiers::isLabel, Identifiers.LABEL_RULE);
      return caller == null || iface == null ? null : new InterceptNotice.QuotaScope(caller, iface);
    });
    boolean hasTarget = r.raw("target", false) != null;
    boolean hasQuota = r.raw("quota", false) != null;
    if (!hasTarget && !hasQuota) {
      problems.add("target is required (or quota, for a quota notice)");
    } else if (hasTarget && hasQuota) {
      problems.add("target and quota must not both be given");
    }
    if (quota != null && "*".equals(app)) {
      problems.add("quota applies to one app: app must not be '*'");
    }
    var action = r.enumValue("action", true, InterceptNotice.Action.class);
    Long level = r.integer("level", true, 0, 1000);
    String reason = r.string("reason", true, 500, null, null);
    Long issuedAt = r.integer("issuedAt", true, 0, Long.MAX_VALUE);
    Long expiresAt = r.integer("expiresAt", false, 0, Long.MAX_VALUE);
    r.finish();
    if (issuedAt != null && expiresAt != null && expiresAt <= issuedAt) {
      problems.add("expiresAt must be after issuedAt (" + issuedAt + "), was " + expiresAt);
    }
    problems.throwIfAny();
    return new InterceptNotice(id, app, target, quota, action, level.intValue(), reason, issuedAt, expiresAt);
  }

  // ---- node registrations

  public byte[] write(NodeRegistration x) {
    ObjectNode o = json.object();
    o.put("v", NodeRegistration.VERSION);
    o.put("app", x.app());
    o.put("node", x.node());
    o.put("version", x.version());
    o.put("startedAt", x.startedAt());
    return json.bytes(o);
  }

  public NodeRegistration readNodeRegistration(byte[] utf8, String source) {
    Problems problems = new Problems(source);
    DocumentReader r = new DocumentReader(json.parse(utf8, source), "", problems);
    r.version(NodeRegistration.VERSION);
    String app = r.string("app", true, 63, Identifiers::isApp, Identifiers.APP_RULE);
    String node = r.string("node", true, 128, Identifiers::isNode, Identifiers.NODE_RULE);
    String version = r.string("version", true, 64, null, null);
    Long startedAt = r.integer("startedAt", true, 0, Long.MAX_VALUE);
    r.finish();
    problems.throwIfAny();
    return new NodeRegistration(app, node, version, startedAt);
  }

  // ---- audit records

  public byte[] write(AuditRecord x) {
    ObjectNode o = json.object();
    o.put("v", AuditRecord.VERSION);
    o.put("id", x.id());
    o.put("at", x.at());
    o.put("actor", x.actor());
    o.put("kind", x.kind().name());
    o.put("app", x.app());
    if (x.target() != null) {
      o.put("target", x.target().toCompactString());
    }
    o.put("level", x.level());
    o.put("reason", x.reason());
    o.put("ruleVersion", x.ruleVersion());
    ObjectNode ev = o.putObject("evidence");
    new TreeMap<>(x.evidence()).forEach(ev::put);
    return json.bytes(o);
  }

  public AuditRecord readAudit(byte[] utf8, String source) {
    Problems problems = new Problems(source);
    DocumentReader r = new DocumentReader(json.parse(utf8, source), "", problems);
    r.version(AuditRecord.VERSION);
    String id = r.string("id", true, 64, null, null);
    Long at = r.integer("at", true, 0, Long.MAX_VALUE);
    String actor = r.string("actor", true, 200, Identifiers::isLabel, Identifiers.LABEL_RULE);
    var kind = r.enumValue("kind", true, AuditRecord.Kind.class);
    String app = r.string("app", true, 63, null, null);
    if (app != null && !app.equals("*") && !Identifiers.isApp(app)) {
      problems.add("app must be '*' or " + Identifiers.APP_RULE + ", was \"" + app + "\"");
    }
    var target = r.cidr("target", false);
    Long level = r.integer("level", true, 0, 1000);
    String reason = r.string("reason", true, 500, null, null);
    if (reason == null && problems.isEmpty()) {
      reason = "";
    }
    Long ruleVersion = r.integer("ruleVersion", true, -1, Long.MAX_VALUE);
    Map<String, String> evidence = new TreeMap<>();
    JsonNode ev = r.raw("evidence", true);
    if (ev != null) {
      if (!ev.isObject()) {
        problems.add("evidence must be an object of strings");
      } else {
        for (Iterator<Map.Entry<String, JsonNode>> it = ev.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          if (!f.getValue().isTextual()) {
            problems.add("evidence." + f.getKey() + " must be a string, was " + f.getValue());
          } else {
            evidence.put(f.getKey(), f.getValue().textValue());
          }
        }
      }
    }
    r.finish();
    problems.throwIfAny();
    return new AuditRecord(id, at, actor, kind, app, target, level.intValue(), reason, ruleVersion, evidence);
  }
}
