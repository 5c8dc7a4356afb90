package dev.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.json.DocumentReader;
import dev.portcullis.json.InvalidDocumentException;
import dev.portcullis.json.Json;
import dev.portcullis.json.Problems;
import dev.portcullis.keys.Identifiers;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict JSON serde for the config documents kept in ZooKeeper. Every reader collects all the
 * problems of a document (unknown keys included) and throws one {@link InvalidDocumentException}
 * naming the source path; the CLI's {@code config check}, the store's writes and the watcher's reads
 * all go through here, so a document is judged the same way everywhere.
 *
 * <p>An optional {@code "v":1} is accepted on every document. Thread-safe.
 */
public final class ConfigCodec {

  private static final String PERMANENT = "PERMANENT";

  private final Json json;

  public ConfigCodec(Json json) {
    this.json = json;
  }

  public ConfigCodec() {
    this(new Json());
  }

  public Json json() {
    return json;
  }

  // ---- global policy

  public ObjectNode tree(GlobalPolicy p) {
    ObjectNode o = json.object();
    putNullable(o, "limitPerSecond", p.limitPerSecond());
    putNullable(o, "limitPerMinute", p.limitPerMinute());
    ArrayNode ladder = o.putArray("ladder");
    p.ladder().steps().forEach(d -> ladder.add(d.toString()));
    if (p.ladder().endsPermanent()) {
      ladder.add(PERMANENT);
    }
    o.put("forgiveAfter", p.forgiveAfter().toString());
    o.put("shadow", p.shadow());
    o.put("quotaZone", p.quotaZone().getId());
    putPrefixLimits(o, p.prefixLimits());
    return o;
  }

  public byte[] write(GlobalPolicy p) {
    return json.bytes(tree(p));
  }

  public GlobalPolicy readGlobalPolicy(byte[] utf8, String source) {
    Problems problems = new Problems(source);
    GlobalPolicy p = readGlobalPolicy(json.parse(utf8, source), "", problems);
    problems.throwIfAny();
    return p;
  }

  GlobalPolicy readGlobalPolicy(JsonNode node, String path, Problems problems) {
    int before = problems.size();
    DocumentReader r = new DocumentReader(node, path, problems);
    optionalVersion(r);
    Long lps = r.integer("limitPerSecond", false, 1, Long.MAX_VALUE);
    Long lpm = r.integer("limitPerMinute", false, 1, Long.MAX_VALUE);
    Ladder ladder = ladder(r, prefixed(path, "ladder"));
    Duration forgive = r.duration("forgiveAfter", false, Duration.ofSeconds(1));
    Boolean shadow = r.bool("shadow", false);
    String zone = r.string("quotaZone", false, 64, null, null);
    List<PrefixLimit> prefixLimits = prefixLimits(r, path);
    ZoneId quotaZone = GlobalPolicy.DEFAULT.quotaZone();
    if (zone != null) {
      try {
        quotaZone = ZoneId.of(zone);
      } catch (DateTimeException e) {
        problems.add(prefixed(path, "quotaZone") + " must be a time zone id such as UTC or Europe/Paris, was \"" + zone + "\"");
      }
    }
    r.finish();
    if (problems.size() != before) {
      return null;
    }
    return new GlobalPolicy(lps, lpm, ladder == null ? Ladder.DEFAULT : ladder,
        forgive == null ? GlobalPolicy.DEFAULT.forgiveAfter() : forgive, shadow != null && shadow, quotaZone,
        prefixLimits);
  }

  /** Written only when there are some, so that a reader older than prefix limits reads the rest. */
  private void putPrefixLimits(ObjectNode o, List<PrefixLimit> limits) {
    if (limits.isEmpty()) {
      return;
    }
    ArrayNode a = o.putArray("prefixLimits");
    for (PrefixLimit p : limits) {
      ObjectNode e = a.addObject().put("prefix", p.name());
      putNullable(e, "limitPerSecond", p.limitPerSecond());
      putNullable(e, "limitPerMinute", p.limitPerMinute());
    }
  }

  private List<PrefixLimit> prefixLimits(DocumentReader r, String path) {
    List<PrefixLimit> limits = r.list("prefixLimits", false, PrefixLimit.MAX, (q, at, pr) -> {
      int mark = pr.size();
      DocumentReader qr = new DocumentReader(q, at, pr);
      String name = qr.string("prefix", true, 16, null, null);
      Long lps = qr.integer("limitPerSecond", false, 1, Long.MAX_VALUE);
      Long lpm = qr.integer("limitPerMinute", false, 1, Long.MAX_VALUE);
      qr.finish();
      if (pr.size() != mark) {
        return null;
      }
      try {
        int[] parsed = PrefixLimit.parseName(name);
        return new PrefixLimit(parsed[0] == 1, parsed[1], lps, lpm);
      } catch (IllegalArgumentException e) {
        pr.add(at + ": " + e.getMessage());
        return null;
      }
    });
    if (limits != null) {
      try {
        PrefixLimits.check(limits);
      } catch (IllegalArgumentException e) {
        r.problems().add(prefixed(path, "prefixLimits") + ": " + e.getMessage());
      }
    }
    return limits;
  }

  private Ladder ladder(DocumentReader r, String path) {
    JsonNode node = r.raw("ladder", false);
    if (node == null) {
      return null;
    }
    Problems problems = r.problems();
    if (!node.isArray() || node.isEmpty() || node.size() > 16) {
      problems.add(path + " must be an array of 1-16 durations, the last of which may be \"PERMANENT\"");
      return null;
    }
    List<Duration> steps = new ArrayList<>();
    boolean permanent = false;
    for (int i = 0; i < node.size(); i++) {
      JsonNode step = node.get(i);
      String at = path + "[" + i + "]";
      if (!step.isTextual()) {
        problems.add(at + " must be a duration string such as PT1M, was " + step);
        return null;
      }
      if (PERMANENT.equals(step.textValue())) {
        if (i != node.size() - 1) {
          problems.add(at + ": PERMANENT may only be the last step");
          return null;
        }
        permanent = true;
        continue;
      }
      try {
        Duration d = Duration.parse(step.textValue());
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
          problems.add(at + " must be at least PT1S, was " + step.textValue());
          return null;
        }
        if (!steps.isEmpty() && d.compareTo(steps.get(steps.size() - 1)) <= 0) {
          problems.add(at + " must be longer than the step before it (" + steps.get(steps.size() - 1) + "), was " + d);
          return null;
        }
        steps.add(d);
      } catch (RuntimeException e) {
        problems.add(at + " must be an ISO-8601 duration such as PT1M or \"PERMANENT\", was \"" + step.textValue() + "\"");
        return null;
      }
    }
    return new Ladder(steps, permanent);
  }

  // ---- app policy

  public ObjectNode tree(AppPolicy p) {
    ObjectNode o = json.object();
    o.put("mode", p.mode().name());
    putNullable(o, "limitPerSecond", p.limitPerSecond());
    putNullable(o, "limitPerMinute", p.limitPerMinute());
    ArrayNode quotas = o.putArray("quotas");
    for (Quota q : p.quotas()) {
      quotas.addObject().put("caller", q.caller()).put("iface", q.iface()).put("perDay", q.perDay());
    }
    o.put("shadow", p.shadow());
    putPrefixLimits(o, p.prefixLimits());
    return o;
  }

  public byte[] write(AppPolicy p) {
    return json.bytes(tree(p));
  }

  public AppPolicy readAppPolicy(byte[] utf8, String source) {
    Problems problems = new Problems(source);
    AppPolicy p = readAppPolicy(json.parse(utf8, source), "", problems);
    problems.throwIfAny();
    return p;
  }

  AppPolicy readAppPolicy(JsonNode node, String path, Problems problems) {
    int before = problems.size();
    DocumentReader r = new DocumentReader(node, path, problems);
    optionalVersion(r);
    AppMode mode = r.enumValue("mode", false, AppMode.class);
    Long lps = r.integer("limitPerSecond", false, 1, Long.MAX_VALUE);
    Long lpm = r.integer("limitPerMinute", false, 1, Long.MAX_VALUE);
    List<Quota> quotas = r.list("quotas", false, 1000, (q, at, pr) -> {
      int mark = pr.size();
      DocumentReader qr = new DocumentReader(q, at, pr);
      String caller = qr.string("caller", true, 200, Identifiers::isLabel, Identifiers.LABEL_RULE);
      String iface = qr.string("iface", true, 200, Identifiers::isLabel, Identifiers.LABEL_RULE);
      Long perDay = qr.integer("perDay", true, 1, Long.MAX_VALUE);
      qr.finish();
      return pr.size() != mark ? null : new Quota(caller, iface, perDay);
    });
    Boolean shadow = r.bool("shadow", false);
    List<PrefixLimit> prefixLimits = prefixLimits(r, path);
    r.finish();
    if (problems.size() != before) {
      return null;
    }
    return new AppPolicy(mode == null ? AppMode.OPEN : mode, lps, lpm, quotas, shadow != null && shadow, prefixLimits);
  }

  // ---- limit entries

  public ObjectNode tree(LimitEntry e) {
    ObjectNode o = json.object();
    o.put("cidr", e.cidr().toString());
    if (e.limitPerSecond() != null) {
      o.put("limitPerSecond", e.limitPerSecond());
    }
    if (e.limitPerMinute() != null) {
      o.put("limitPerMinute", e.limitPerMinute());
    }
    return o;
  }

  public byte[] write(LimitEntry e) {
    return json.bytes(tree(e));
  }

  public LimitEntry readLimitEntry(byte[] utf8, String source) {
    Problems problems = new Problems(source);
    LimitEntry e = readLimitEntry(json.parse(utf8, source), "", problems);
    problems.throwIfAny();
    return e;
  }

  LimitEntry readLimitEntry(JsonNode node, String path, Problems problems) {
    int before = problems.size();
    DocumentReader r = new DocumentReader(node, path, problems);
    optionalVersion(r);
    var cidr = r.cidr("cidr", true);
    Long lps = r.integer("limitPerSecond", false, 1, Long.MAX_VALUE);
    Long lpm = r.integer("limitPerMinute", false, 1, Long.MAX_VALUE);
    r.finish();
    if (problems.size() == before && lps == null && lpm == null) {
      problems.add(prefixed(path, "limitPerSecond") + " or limitPerMinute is required");
    }
    return problems.size() == before ? new LimitEntry(cidr, lps, lpm) : null;
  }

  // ---- list entries

  public ObjectNode tree(ListEntry e) {
    ObjectNode o = json.object();
    o.put("cidr", e.cidr().toString());
    putNullable(o, "expiresAt", e.expiresAt());
    o.put("note", e.note());
    o.put("by", e.by());
    o.put("createdAt", e.createdAt());
    if (e.forced() != null) {
      o.put("forced", e.forced());
    }
    return o;
  }

  public byte[] write(ListEntry e) {
    return json.bytes(tree(e));
  }

  public ListEntry readListEntry(byte[] utf8, String source) {
    Problems problems = new Problems(source);
    ListEntry e = readListEntry(json.parse(utf8, source), "", problems);
    problems.throwIfAny();
    return e;
  }

  ListEntry readListEntry(JsonNode node, String path, Problems problems) {
    int before = problems.size();
    DocumentReader r = new DocumentReader(node, path, problems);
    optionalVersion(r);
    var cidr = r.cidr("cidr", true);
    Long expiresAt = r.integer("expiresAt", false, 0, Long.MAX_VALUE);
    String note = r.string("note", false, 500, null, null);
    String by = r.string("by", true, 200, null, null);
    Long createdAt = r.integer("createdAt", true, 0, Long.MAX_VALUE);
    String forced = r.string("forced", false, 200, null, null);
    r.finish();
    if (problems.size() == before && expiresAt != null && expiresAt <= createdAt) {
      problems.add(prefixed(path, "expiresAt") + " must be after createdAt (" + createdAt + "), was " + expiresAt);
    }
    if (problems.size() == before && forced != null && forced.isBlank()) {
      problems.add(prefixed(path, "forced") + " must be a reason, was blank");
    }
    return problems.size() == before ? new ListEntry(cidr, expiresAt, note, by, createdAt, forced) : null;
  }

  // ---- helpers

  private static void optionalVersion(DocumentReader r) {
    r.integer("v", false, 1, 1);
  }

  private static void putNullable(ObjectNode o, String name, Long value) {
    if (value == null) {
      o.putNull(name);
    } else {
      o.put(name, value);
    }
  }

  static String prefixed(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
