package dev.portcullis.notifier.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Requires {@code Authorization: Bearer <token>} on every write to {@code /api} (and on reads when
 * reads are protected). Compares in constant time.
 */
@Priority(Priorities.AUTHENTICATION)
public final class BearerAuthFilter implements ContainerRequestFilter {

  private final byte[] token;
  private final boolean protectReads;

  public BearerAuthFilter(String token, boolean protectReads) {
    this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.protectReads = protectReads;
  }

  @Override
  public void filter(ContainerRequestContext ctx) {
    String path = ctx.getUriInfo().getPath();
    if (!path.startsWith("api") && !path.startsWith("/api")) {
      return;
    }
    boolean read = ctx.getMethod().equals("GET") || ctx.getMethod().equals("HEAD");
    if (read && !protectReads) {
      return;
    }
    String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !MessageDigest.isEqual(token, header.getBytes(StandardCharsets.UTF_8))) {
      ctx.abortWith(Response.status(Response.Status.UNAUTHORIZED)
          .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"portcullis\"")
          .type(MediaType.APPLICATION_JSON_TYPE)
          .entity(Map.of("error", header == null ? "this request needs Authorization: Bearer <token>" : "wrong token"))
          .build());
    }
  }
}
