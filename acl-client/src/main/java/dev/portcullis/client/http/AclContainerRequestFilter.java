package dev.portcullis.client.http;

import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A JAX-RS request filter (Jersey, RESTEasy, Dropwizard) with the same answers as
 * {@link AclServletFilter}: 403 for denied, 429 with {@code Retry-After} for limited. JAX-RS does
 * not expose the socket peer portably, so the caller supplies it: from a request property its
 * container sets, or, in Jersey on a servlet container, from an injected {@code HttpServletRequest}.
 *
 * <p>Registered on its own it names interfaces from the request path ({@link InterfaceNamer#name});
 * {@link AclFeature} registers one per resource method, named by the method's route template.
 */
public final class AclContainerRequestFilter implements ContainerRequestFilter {

  private final AclClient client;
  private final ClientIpResolver resolver;
  private final Function<ContainerRequestContext, String> peer;
  private final Function<ContainerRequestContext, String> iface;
  private final String callerHeader;
  private final boolean rateLimitHeaders;

  /**
   * @param peer         the socket peer's address of a request
   * @param iface        names the interface of a request, or null for {@link InterfaceNamer#name} of its path
   * @param callerHeader header carrying the caller id for quotas, or null
   */
  public AclContainerRequestFilter(AclClient client, ClientIpResolver resolver,
      Function<ContainerRequestContext, String> peer, Function<ContainerRequestContext, String> iface,
      String callerHeader) {
    this(client, resolver, peer, iface, callerHeader, false);
  }

  /** @param rateLimitHeaders add {@link RateLimitHeader} to limited answers */
  public AclContainerRequestFilter(AclClient client, ClientIpResolver resolver,
      Function<ContainerRequestContext, String> peer, Function<ContainerRequestContext, String> iface,
      String callerHeader, boolean rateLimitHeaders) {
    this.rateLimitHeaders = rateLimitHeaders;
    this.client = Objects.requireNonNull(client, "client");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.peer = Objects.requireNonNull(peer, "peer");
    this.iface = iface != null ? iface
        : r -> InterfaceNamer.name(r.getMethod(), "/" + r.getUriInfo().getPath(false));
    this.callerHeader = callerHeader;
  }

  /** As above, with the peer read from outside the request (an injected, request-scoped proxy). */
  public AclContainerRequestFilter(AclClient client, ClientIpResolver resolver, Supplier<String> peer,
      Function<ContainerRequestContext, String> iface, String callerHeader) {
    this(client, resolver, r -> peer.get(), iface, callerHeader);
  }

  @Override
  public void filter(ContainerRequestContext ctx) {
    String ip = resolver.resolve(peer.apply(ctx), name -> ctx.getHeaders().getOrDefault(name, List.of()));
    Decision d = client.check(ip, iface.apply(ctx), callerHeader == null ? null : ctx.getHeaderString(callerHeader));
    if (d.outcome() == Decision.Outcome.DENY) {
      ctx.abortWith(Response.status(Response.Status.FORBIDDEN).entity("Forbidden").build());
    } else if (d.outcome() == Decision.Outcome.LIMIT) {
      long retry = d.retryAfterSeconds(client.nowMillis());
      Response.ResponseBuilder r = Response.status(429).header("Retry-After", Long.toString(retry > 0 ? retry : 1));
      if (rateLimitHeaders) {
        r.header(RateLimitHeader.NAME, RateLimitHeader.value(retry));
      }
      ctx.abortWith(r.entity("Too Many Requests").build());
    }
  }
}
