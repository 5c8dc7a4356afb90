package dev.portcullis.notifier.api;

import dev.portcullis.address.Cidr;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.LimitEntry;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.wire.AuditRecord;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Map;

/**
 * Limits for an address or block: of one app ({@code ?app=}, also under {@code /api/apps/{app}/limits}),
 * or of every app without {@code app}. Precedence, per second and per minute: the app's entry for the
 * address, the app's default, the global entry for the address, the global default.
 */
@Path("/api/limits")
@Produces(MediaType.APPLICATION_JSON)
public final class LimitsResource {

  private final ConfigStore store;
  private final ConfigCodec codec;
  private final ChangeAudit audit;

  public LimitsResource(ConfigStore store, ConfigCodec codec, ChangeAudit audit) {
    this.store = store;
    this.codec = codec;
    this.audit = audit;
  }

  @GET
  public String limits(@QueryParam("app") String app) {
    var arr = codec.json().mapper().createArrayNode();
    store.limits(scope(app)).forEach(l -> arr.add(codec.tree(l)));
    return codec.json().text(arr);
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  public String setLimit(@QueryParam("app") String app, byte[] body, @Context SecurityContext sc) {
    String scope = scope(app);
    LimitEntry e = codec.readLimitEntry(body, "PUT " + (scope == null ? "/api/limits" : "/api/apps/" + scope + "/limits"));
    audit.audited(sc, AuditRecord.Kind.POLICY_CHANGED, scope == null ? KafkaKeys.ALL_APPS : scope, e.cidr(), "limit set: "
        + (e.limitPerSecond() == null ? "-" : e.limitPerSecond()) + " req/s, "
        + (e.limitPerMinute() == null ? "-" : e.limitPerMinute()) + " req/min", Map.of(), () -> {
          store.setLimit(scope, e);
          return true;
        });
    return codec.json().text(codec.tree(e));
  }

  @DELETE
  public Response removeLimit(@QueryParam("app") String app, @QueryParam("cidr") String cidr, @Context SecurityContext sc) {
    String scope = scope(app);
    Cidr c = Cidr.parse(ConfigResource.required("cidr", cidr));
    String of = scope == null ? "every app" : scope;
    if (store.limits(scope).stream().noneMatch(l -> l.cidr().equals(c))) {
      return ApiErrors.error(404, of + " has no limit for " + c);
    }
    boolean removed = audit.audited(sc, AuditRecord.Kind.POLICY_CHANGED, scope == null ? KafkaKeys.ALL_APPS : scope, c,
        "limit removed", Map.of(), () -> store.removeLimit(scope, c));
    return removed ? Response.noContent().build() : ApiErrors.error(404, of + " has no limit for " + c);
  }

  /** The store's scope: null (every app) without {@code app} or with {@code *}. */
  private static String scope(String app) {
    return app == null || KafkaKeys.ALL_APPS.equals(app) ? null : Identifiers.requireApp("app", app);
  }
}
