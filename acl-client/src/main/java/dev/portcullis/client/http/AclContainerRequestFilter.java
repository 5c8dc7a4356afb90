package dev.portcullis.client.http;

import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A JAX-RS request filter (Jersey, RESTEasy, Dropwizard) with the same answers as
 * {@link AclServletFilter}: 403 for denied, 429 with {@code Retry-After} for limited. JAX-RS does
 * not expose the socket peer portably, so the caller supplies it (in Jersey, from the injected
 * {@code HttpServletRequest} or {@code Request}).
 */
public final class AclContainerRequestFilter implements ContainerRequestFilter {

  private final AclClient client;
  private final ClientIpResolver resolver;
  private final Supplier<String> peer;
  private final Function<ContainerRequestContext, String> iface;
  private final String callerHeader;

  public AclContainerRequestFilter(AclClient client, ClientIpResolver resolver, Supplier<String> peer,
      Function<ContainerRequestContext, String> iface, String callerHeader) {
    this.client = client;
    this.resolver = resolver;
    this.peer = peer;
    this.iface = iface != null ? iface
        : r -> InterfaceNamer.name(r.getMethod(), "/" + r.getUriInfo().getPath(false));
    this.callerHeader = callerHeader;
  }

  @Override
  public void filter(ContainerRequestContext ctx) {
    List<String> fwd = ctx.getHeaders().getOrDefault("Forwarded", List.of());
    List<String> xff = ctx.getHeaders().getOrDefault("X-Forwarded-For", List.of());
    String ip = resolver.resolve(peer.get(), fwd, xff);
    Decision d = client.check(ip, iface.apply(ctx), callerHeader == null ? null : ctx.getHeaderString(callerHeader));
    if (d.outcome() == Decision.Outcome.DENY) {
      ctx.abortWith(Response.status(Response.Status.FORBIDDEN).entity("Forbidden").build());
    } else if (d.outcome() == Decision.Outcome.LIMIT) {
      long retry = d.retryAfterSeconds(client.nowMillis());
      ctx.abortWith(Response.status(429).header("Retry-After", Long.toString(retry > 0 ? retry : 1))
          .entity("Too Many Requests").build());
    }
  }
}
