package dev.portcullis.client.http;

import dev.portcullis.client.AclClient;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.function.Function;

/**
 * Guards every JAX-RS resource method with an {@link AclContainerRequestFilter} whose interface name is
 * the method's route template ({@code GET /items/{id}}), read from its {@code @Path} annotations once,
 * when the application starts, so requests pay nothing to name themselves and {@code /items/7} and
 * {@code /items/8} count as one interface. Register it like any provider
 * ({@code environment.jersey().register(new AclFeature(...))} in Dropwizard).
 *
 * <p>Requests that match no resource method (404s) never reach a post-matching filter; to refuse a
 * denied address on those too, put the {@link AclServletFilter} in front, which sees every request and
 * names interfaces from the path instead.
 * Methods reached through a sub-resource locator are configured when first reached and named from the
 * sub-resource's own annotations, without the locator's path; a container's own handlers (Jersey's
 * automatic {@code OPTIONS} answers) carry no HTTP method annotation and are named {@code * /path}.
 */
public final class AclFeature implements DynamicFeature {

  /** Before authentication: refusing a denied address is cheaper than checking its credentials. */
  public static final int PRIORITY = Priorities.AUTHENTICATION - 100;

  private final AclClient client;
  private final ClientIpResolver resolver;
  private final Function<ContainerRequestContext, String> peer;
  private final String callerHeader;
  private final boolean rateLimitHeaders;

  /**
   * @param peer         the socket peer's address of a request (see {@link AclContainerRequestFilter})
   * @param callerHeader header carrying the caller id for quotas, or null
   */
  public AclFeature(AclClient client, ClientIpResolver resolver, Function<ContainerRequestContext, String> peer,
      String callerHeader) {
    this(client, resolver, peer, callerHeader, false);
  }

  private AclFeature(AclClient client, ClientIpResolver resolver, Function<ContainerRequestContext, String> peer,
      String callerHeader, boolean rateLimitHeaders) {
    this.client = Objects.requireNonNull(client, "client");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.peer = Objects.requireNonNull(peer, "peer");
    this.callerHeader = callerHeader;
    this.rateLimitHeaders = rateLimitHeaders;
  }

  /** The same feature adding {@link RateLimitHeader} to limited answers. */
  public AclFeature withRateLimitHeaders() {
    return new AclFeature(client, resolver, peer, callerHeader, true);
  }

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    Method method = resource.getResourceMethod();
    if (method == null) {
      return;
    }
    String name = routeName(resource.getResourceClass(), method);
    context.register(new AclContainerRequestFilter(client, resolver, peer, r -> name, callerHeader, rateLimitHeaders),
        PRIORITY);
  }

  /** {@code METHOD /class-path/method-path} from the annotations, as {@link InterfaceNamer#template} spells it. */
  static String routeName(Class<?> resourceClass, Method method) {
    String verb = httpMethod(method);
    Path onClass = resourceClass == null ? null : resourceClass.getAnnotation(Path.class);
    Path onMethod = method.getAnnotation(Path.class);
    String template = (onClass == null ? "" : "/" + onClass.value()) + (onMethod == null ? "" : "/" + onMethod.value());
    return InterfaceNamer.template(verb, template);
  }

  private static String httpMethod(Method method) {
    for (Annotation a : method.getAnnotations()) {
      HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
      if (verb != null) {
        return verb.value();
      }
    }
    return "*"; // a sub-resource locator, or a method the application dispatches itself
  }
}
