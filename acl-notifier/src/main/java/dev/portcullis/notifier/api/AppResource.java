package dev.portcullis.notifier.api;

import dev.portcullis.address.Cidr;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.LimitEntry;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.Versioned;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.notifier.scan.WindowReader;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything under one app: its traffic (top IPs and prefixes, request rate), its policy and its
 * limits. One resource for the whole {@code /api/apps/{app}} subtree, because JAX-RS picks one class
 * per path prefix and does not fall back to another.
 */
@Path("/api/apps/{app}")
@Produces(MediaType.APPLICATION_JSON)
public final class AppResource {

  private final java.util.function.Supplier<ConfigSnapshot> lastGood;
  private final ConfigStore store;
  private final LimitsResource limits;
  private final ConfigCodec codec;
  private final WindowReader reader;
  private final ChangeAudit audit;
  private final Clock clock;

  public AppResource(ConfigStore store, ConfigCodec codec, WindowReader reader, ChangeAudit audit, Clock clock) {
    this(store, codec, reader, audit, clock, () -> ConfigSnapshot.EMPTY);
  }

  /** @param lastGood the rules in force (the notifier's watcher), answered while a stored policy is invalid */
  public AppResource(ConfigStore store, ConfigCodec codec, WindowReader reader, ChangeAudit audit, Clock clock,
      java.util.function.Supplier<ConfigSnapshot> lastGood) {
    this.lastGood = lastGood;
    this.limits = new LimitsResource(store, codec, audit);
    this.store = store;
    this.codec = codec;
    this.reader = reader;
    this.audit = audit;
    this.clock = clock;
  }

  @GET
  @Path("top")
  public Map<String, Object> top(@PathParam("app") String app, @QueryParam("window") @DefaultValue("second") String window,
      @QueryParam("prefix") @DefaultValue("false") boolean prefix, @QueryParam("limit") @DefaultValue("20") int limit) {
    Identifiers.requireApp("app", app);
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1-1000, was " + limit);
    }
    long now = clock.millis();
    boolean second = HistoryResource.seconds(window);
    long start = second ? now / 1000 - 1 : now / 60_000;
    WindowReader.Kind kind = second ? (prefix ? WindowReader.Kind.PREFIX_SECOND : WindowReader.Kind.SECOND)
        : (prefix ? WindowReader.Kind.PREFIX_MINUTE : WindowReader.Kind.MINUTE);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (WindowReader.Count c : reader.top(app, kind, start, limit)) {
      rows.add(Map.of(prefix ? "prefix" : "ip", c.member(), "count", c.count()));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("app", app);
    m.put("window", window);
    m.put("windowStart", start);
    m.put("top", rows);
    return m;
  }

  @GET
  @Path("rate")
  public Map<String, Object> rate(@PathParam("app") String app, @QueryParam("seconds") @DefaultValue("60") int seconds) {
    Identifiers.requireApp("app", app);
    if (seconds < 1 || seconds > 600) {
      throw new IllegalArgumentException("seconds must be 1-600, was " + seconds);
    }
    long last = clock.millis() / 1000 - 1;
    Map<Long, Long> totals = reader.totalsPerSecond(app, last - seconds + 1, last);
    List<List<Long>> series = new ArrayList<>();
    totals.forEach((s, n) -> series.add(List.of(s, n)));
    return Map.of("app", app, "perSecond", series);
  }
  @GET
  @Path("policy")
  public Response appPolicy(@PathParam("app") String app) {
    Identifiers.requireApp("app", app);
    try {
      Versioned<AppPolicy> v = store.appPolicy(app);
      return ConfigResource.doc(codec, codec.tree(v.value()), v.version());
    } catch (IllegalArgumentException invalid) {
      return ConfigResource.lastGood(codec, codec.tree(lastGood.get().policy(app)), store.appPolicyVersion(app), invalid);
    }
  }

  @PUT
  @Path("policy")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response setAppPolicy(@PathParam("app") String app, byte[] body, @HeaderParam("If-Match") String ifMatch,
      @Context SecurityContext sc) {
    Identifiers.requireApp("app", app);
    AppPolicy p = codec.readAppPolicy(body, "PUT /api/apps/" + app + "/policy");
    int expected = ConfigResource.expected(ifMatch, store.appPolicyVersion(app));
    audit.audited(sc, AuditRecord.Kind.POLICY_CHANGED, app, null, "app policy set: " + codec.json().text(codec.tree(p)),
        Map.of(), () -> {
          store.setAppPolicy(app, p, expected);
          return true;
        });
    return appPolicy(app);
  }

  @GET
  @Path("limits")
  public String limits(@PathParam("app") String app) {
    return limits.limits(Identifiers.requireApp("app", app));
  }

  @PUT
  @Path("limits")
  @Consumes(MediaType.APPLICATION_JSON)
  public String setLimit(@PathParam("app") String app, byte[] body, @Context SecurityContext sc) {
    return limits.setLimit(Identifiers.requireApp("app", app), body, sc);
  }

  @DELETE
  @Path("limits")
  public Response removeLimit(@PathParam("app") String app, @QueryParam("cidr") String cidr, @Context SecurityContext sc) {
    return limits.removeLimit(Identifiers.requireApp("app", app), cidr, sc);
  }
}
