package dev.portcullis.notifier.api;

import dev.portcullis.notifier.intercept.KafkaNoticeSink;
import dev.portcullis.wire.WireCodec;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** The newest audit records decided by this notifier (the full trail is topic {@code acl.audit}). */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
public final class AuditResource {

  private final KafkaNoticeSink sink;
  private final WireCodec codec = new WireCodec();

  public AuditResource(KafkaNoticeSink sink) {
    this.sink = sink;
  }

  @GET
  public String tail(@QueryParam("limit") @DefaultValue("100") int limit) {
    if (limit < 1 || limit > 500) {
      throw new IllegalArgumentException("limit must be 1-500, was " + limit);
    }
    StringJoiner j = new StringJoiner(",", "[", "]");
    sink.auditTail(limit).forEach(r -> j.add(new String(codec.write(r), StandardCharsets.UTF_8)));
    return j.toString();
  }
}
