package dev.portcullis.notifier.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * Every answer is {@code nosniff}, {@code no-referrer} and not cached; a request body over 1 MiB
 * (as its {@code Content-Length} says) is refused with 413 before any resource reads it.
 */
@Priority(Priorities.AUTHENTICATION - 100)
public final class RequestLimits implements ContainerRequestFilter, ContainerResponseFilter {

  static final int MAX_BODY_BYTES = 1 << 20;

  @Override
  public void filter(ContainerRequestContext req) {
    if (req.getLength() > MAX_BODY_BYTES) {
      req.abortWith(ApiErrors.error(413, "the body is " + req.getLength() + " bytes; at most " + MAX_BODY_BYTES + " are taken"));
    }
  }

  @Override
  public void filter(ContainerRequestContext req, ContainerResponseContext res) {
    res.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
    res.getHeaders().putSingle("Referrer-Policy", "no-referrer");
    res.getHeaders().putIfAbsent("Cache-Control", java.util.List.of("no-store"));
  }
}
