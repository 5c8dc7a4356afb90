package dev.portcullis.notifier.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.address.Cidr;
import dev.portcullis.config.BlastRadius;
import dev.portcullis.config.Ttl;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.notifier.intercept.InterceptBook;
import dev.portcullis.notifier.leader.Leadership;
import dev.portcullis.wire.InterceptNotice;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Active intercepts: list, create manually, release. Any notifier lists them (a standby from the notices
 * topic); writes are made by the leader, and a standby forwards them there ({@link LeaderForwarding}).
 */
@Path("/api/intercepts")
@Produces(MediaType.APPLICATION_JSON)
public final class InterceptsResource {

  private final InterceptBook book;
  private final Leadership service;
  private final Clock clock;
  private static final List<String> FIELDS = List.of("app", "target", "duration", "reason", "force");
  private final BlastRadius guard;

  private final ObjectMapper json = new ObjectMapper();

  private final java.util.function.Supplier<java.util.Collection<InterceptNotice>> standbyView;

  private final LeaderForwarding forwarding;

  public InterceptsResource(InterceptBook book, Leadership service, Clock clock, BlastRadius guard) {
    this(book, service, clock, guard, book::active, new LeaderForwarding(service, "this notifier", Duration.ofSeconds(5)));
  }

  /**
   * @param standbyView what a standby lists: the intercepts in force as the notices topic holds them
   *                    (its own book is empty until it leads)
   * @param forwarding    how a standby passes writes on to the leader
   */
  public InterceptsResource(InterceptBook book, Leadership service, Clock clock, BlastRadius guard,
      java.util.function.Supplier<java.util.Collection<InterceptNotice>> standbyView, LeaderForwarding forwarding) {
    this.standbyView = standbyView;
    this.forwarding = forwarding;
    this.guard = guard;
    this.book = book;
    this.service = service;
    this.clock = clock;
  }

  @GET
  public List<Map<String, Object>> list(@QueryParam("app") String app) {
    long now = clock.millis();
    return (service.isLeader() ? book.active() : standbyView.get()).stream()
        .filter(n -> app == null || n.app().equals(app) || n.app().equals(KafkaKeys.ALL_APPS))
        .sorted(Comparator.comparingLong(InterceptNotice::issuedAt).reversed())
        .map(n -> view(n, now)).toList();
  }

  static Map<String, Object> view(InterceptNotice n, long now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", n.id());
    m.put("app", n.app());
    m.put("target", n.describeTarget());
    if (n.isQuota()) {
      m.put("quota", Map.of("caller", n.quota().caller(), "iface", n.quota().iface()));
    }
    m.put("level", n.level());
    m.put("reason", n.reason());
    m.put("issuedAt", n.issuedAt());
    m.put("expiresAt", n.expiresAt());
    m.put("secondsLeft", n.expiresAt() == null ? null : Math.max(0, (n.expiresAt() - now) / 1000));
    return m;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(byte[] body, @Context SecurityContext sc, @Context UriInfo uri, @Context HttpHeaders headers)
      throws IOException {
    Response forwarded = forwarding.forwardUnlessServing("POST", body, uri, headers);
    if (forwarded != null) {
      return forwarded;
    }
    JsonNode n = json.readTree(body);
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("body must be a JSON object {\"app\",\"target\",\"duration\",\"reason\"}");
    }
    for (var it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (f.equals("actor")) {
        throw new IllegalArgumentException("actor is not taken: the actor is the operator whose token made the change");
      }
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException(f + " is not a known field (known: " + String.join(", ", FIELDS) + ")");
      }
    }
    String app = text(n, "app", true);
    if (!KafkaKeys.ALL_APPS.equals(app)) {
      Identifiers.requireApp("app", app);
    }
    Cidr target = Cidr.parse(text(n, "target", true));
    String d = text(n, "duration", false);
    Duration duration = d == null || d.equals("PERMANENT") ? null : Ttl.parse("duration", d);
    String reason = text(n, "reason", true);
    Map<String, String> evidence = Guard.check(guard.interceptRefusal(app, target), text(n, "force", false), sc);
    InterceptNotice notice = book.issueManual(app, target, duration, reason, ChangeAudit.actor(sc), evidence);
    book.flush();
    return Response.status(201).entity(view(notice, clock.millis())).build();
  }

  /** Releases an address intercept ({@code target}) or a quota notice ({@code caller} and {@code iface}). */
  @DELETE
  public Response release(@QueryParam("app") String app, @QueryParam("target") String target,
      @QueryParam("caller") String caller, @QueryParam("iface") String iface, @Context SecurityContext sc,
      @Context UriInfo uri, @Context HttpHeaders headers) {
    Response forwarded = forwarding.forwardUnlessServing("DELETE", null, uri, headers);
    if (forwarded != null) {
      return forwarded;
    }
    boolean byTarget = target != null;
    boolean byQuota = caller != null || iface != null;
    if (app == null || byTarget == byQuota || (byQuota && (caller == null || iface == null))) {
      throw new IllegalArgumentException(
          "query parameters: app and target (an address intercept), or app, caller and iface (a used-up quota)");
    }
    String who = ChangeAudit.actor(sc);
    boolean released = byTarget ? book.release(app, Cidr.parse(target), who, "released by operator")
        : book.releaseQuota(Identifiers.requireApp("app", app), caller, iface, who, "released by operator");
    book.flush();
    return released ? Response.noContent().build()
        : ApiErrors.error(404, "no active intercept for " + (byTarget ? target : caller + " on " + iface) + " in " + app);
  }

  private static String text(JsonNode n, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException(field + " is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return v.textValue();
  }
}
