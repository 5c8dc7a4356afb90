package dev.portcullis.notifier.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.address.Cidr;
import dev.portcullis.config.BlastRadius;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.ListKind;
import dev.portcullis.config.Ttl;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.Versioned;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.wire.AuditRecord;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Policies, limits and allow/deny lists, through the acl-config store: the same strict validation
 * and compare-and-set as the CLI. A policy write may carry {@code If-Match: <version>} (from the
 * {@code ETag} of a read); without it the write is still compare-and-set against the version read
 * just before.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public final class ConfigResource {

  private final ConfigStore store;
  private final ConfigCodec codec;
  private final Clock clock;
  private final ChangeAudit audit;
  private final BlastRadius guard;
  private final Supplier<ConfigSnapshot> lastGood;
  private final ObjectMapper json = new ObjectMapper();

  public ConfigResource(ConfigStore store, ConfigCodec codec, Clock clock, ChangeAudit audit, BlastRadius guard) {
    this(store, codec, clock, audit, guard, () -> ConfigSnapshot.EMPTY);
  }

  /** @param lastGood the rules in force (the notifier's watcher), answered while a stored document is invalid */
  public ConfigResource(ConfigStore store, ConfigCodec codec, Clock clock, ChangeAudit audit, BlastRadius guard,
      Supplier<ConfigSnapshot> lastGood) {
    this.lastGood = lastGood;
    this.guard = guard;
    this.store = store;
    this.codec = codec;
    this.clock = clock;
    this.audit = audit;
  }

  /** A config document with its znode version as {@code ETag}, for compare-and-set writes. */
  static Response doc(ConfigCodec codec, JsonNode tree, int version) {
    return Response.ok(codec.json().text(tree)).tag(Integer.toString(version)).build();
  }

  static int expected(String ifMatch, int current) {
    if (ifMatch == null) {
      return current;
    }
    try {
      return Integer.parseInt(ifMatch.replace("\"", "").trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("If-Match must be a version number, was " + ifMatch);
    }
  }

  /**
   * The stored global policy with its version as {@code ETag}; while the stored document is invalid,
   * the last good one (as the watchers enforce it) with the version of the invalid one, so that a PUT
   * can replace it, and the problem in {@code X-Portcullis-Problem}. The caller did nothing wrong.
   */
  @GET
  @Path("policy")
  public Response globalPolicy() {
    try {
      Versioned<GlobalPolicy> v = store.globalPolicy();
      return doc(codec, codec.tree(v.value()), v.version());
    } catch (IllegalArgumentException invalid) {
      return lastGood(codec, codec.tree(lastGood.get().global()), store.globalPolicyVersion(), invalid);
    }
  }

  static Response lastGood(ConfigCodec codec, JsonNode tree, int version, IllegalArgumentException problem) {
    String why = problem.getMessage().replaceAll("[\\r\\n]+", " ");
    return Response.ok(codec.json().text(tree)).tag(Integer.toString(version))
        .header("X-Portcullis-Problem", "the stored document is invalid; this is the last good one in force: "
            + (why.length() > 300 ? why.substring(0, 300) : why)).build();
  }

  @PUT
  @Path("policy")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response setGlobalPolicy(byte[] body, @HeaderParam("If-Match") String ifMatch, @Context SecurityContext sc) {
    GlobalPolicy p = codec.readGlobalPolicy(body, "PUT /api/policy");
    int expected = expected(ifMatch, store.globalPolicyVersion());
    audit.audited(sc, AuditRecord.Kind.POLICY_CHANGED, null, null, "global policy set: " + codec.json().text(codec.tree(p)),
        Map.of(), () -> {
          store.setGlobalPolicy(p, expected);
          return true;
        });
    return globalPolicy();
  }

  @GET
  @Path("lists/{kind}")
  public String list(@PathParam("kind") String kind, @QueryParam("app") String app) {
    var arr = codec.json().mapper().createArrayNode();
    long now = clock.millis();
    for (ListEntry e : store.list(app == null ? null : Identifiers.requireApp("app", app), kind(kind))) {
      var o = codec.tree(e);
      o.put("active", e.isActiveAt(now));
      arr.add(o);
    }
    return codec.json().text(arr);
  }

  /**
   * Body: {@code {"cidr":"203.0.113.9","app":"proxy","ttl":"24h","note":"...","replace":false}}; an entry wider
   * than the guard allows needs {@code "force": "<why>"} from an admin. The entry's {@code by} is the operator.
   */
  @POST
  @Path("lists/{kind}")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response add(@PathParam("kind") String kind, byte[] body, @Context SecurityContext sc) throws IOException {
    ListKind listKind = kind(kind);
    JsonNode n = json.readTree(body);
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("body must be a JSON object with cidr and optional app, ttl, note, replace, force");
    }
    for (var it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (f.equals("by")) {
        throw new IllegalArgumentException("by is not taken: an entry is by the operator whose token made it");
      }
      if (!List.of("cidr", "app", "ttl", "note", "replace", "force").contains(f)) {
        throw new IllegalArgumentException(f + " is not a known field (known: cidr, app, ttl, note, replace, force)");
      }
    }
    String app = n.hasNonNull("app") ? Identifiers.requireApp("app", n.get("app").asText()) : null;
    long now = clock.millis();
    Long expiresAt = n.hasNonNull("ttl") ? now + Ttl.parse("ttl", n.get("ttl").asText()).toMillis() : null;
    Cidr cidr = Cidr.parse(required("cidr", n.hasNonNull("cidr") ? n.get("cidr").asText() : null));
    Map<String, String> evidence = Guard.check(guard.listRefusal(listKind, cidr),
        n.hasNonNull("force") ? n.get("force").asText() : null, sc);
    ListEntry e = new ListEntry(cidr, expiresAt, n.hasNonNull("note") ? n.get("note").asText() : "", ChangeAudit.actor(sc), now,
        evidence.get("forced"));
    boolean replace = n.hasNonNull("replace") && n.get("replace").asBoolean();
    audit.audited(sc, AuditRecord.Kind.LIST_ADDED, app, e.cidr(), kind + " list"
        + (e.expiresAt() == null ? "" : ", expires " + java.time.Instant.ofEpochMilli(e.expiresAt()))
        + (e.note().isEmpty() ? "" : ": " + e.note()), evidence, () -> {
          store.addEntry(app, listKind, e, replace);
          return true;
        });
    return Response.status(201).entity(codec.json().text(codec.tree(e))).build();
  }

  @DELETE
  @Path("lists/{kind}")
  public Response remove(@PathParam("kind") String kind, @QueryParam("app") String app, @QueryParam("cidr") String cidr,
      @Context SecurityContext sc) {
    ListKind listKind = kind(kind);
    Cidr c = Cidr.parse(required("cidr", cidr));
    String a = app == null ? null : Identifiers.requireApp("app", app);
    boolean removed = audit.audited(sc, AuditRecord.Kind.LIST_REMOVED, a, c, kind + " list", Map.of(),
        () -> store.removeEntry(a, listKind, c));
    return removed ? Response.noContent().build()
        : ApiErrors.error(404, c + " is not on the " + (a == null ? "global" : a) + " " + kind + " list");
  }

  private static ListKind kind(String kind) {
    return switch (kind) {
      case "allow" -> ListKind.ALLOW;
      case "deny" -> ListKind.DENY;
      default -> throw new IllegalArgumentException("list must be allow or deny, was " + kind);
    };
  }

  static String required(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }
}
