package dev.portcullis.notifier.api;

import dev.portcullis.notifier.intercept.AuditTrail;
import dev.portcullis.wire.WireCodec;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/**
 * The newest audit records, the same whichever notifier answers: the tail of topic {@code acl.audit}
 * (where the full trail is) with this notifier's own newest records.
 */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
public final class AuditResource {

  private final AuditTrail trail;
  private final WireCodec codec = new WireCodec();

  public AuditResource(AuditTrail trail) {
    this.trail = trail;
  }

  @GET
  public String tail(@QueryParam("limit") @DefaultValue("100") int limit) {
    if (limit < 1 || limit > AuditTrail.MAX) {
      throw new IllegalArgumentException("limit must be 1-" + AuditTrail.MAX + ", was " + limit);
    }
    StringJoiner j = new StringJoiner(",", "[", "]");
    trail.newest(limit).forEach(r -> j.add(new String(codec.write(r), StandardCharsets.UTF_8)));
    return j.toString();
  }
}
