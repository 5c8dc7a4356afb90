package dev.portcullis.notifier.api;

import dev.portcullis.notifier.operator.Operator;
import dev.portcullis.notifier.operator.Role;
import dev.portcullis.notifier.operator.TokenFile;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.Map;
import java.util.Optional;

/**
 * Who is calling {@code /api}, and whether their role allows it: {@code Authorization: Bearer <token>}
 * is looked up in the {@link TokenFile}; reads need a {@code viewer}, intercepts, list entries and
 * limits an {@code operator}, policies an {@code admin}. The operator becomes the request's
 * {@link SecurityContext} principal, the actor of the change. 401 without a known token, 403 with a
 * role too low, each saying what was needed. Reads may be left open ({@code api.readsNeedToken: false}).
 */
@Priority(Priorities.AUTHENTICATION)
public final class OperatorAuthFilter implements ContainerRequestFilter {

  private static final java.util.regex.Pattern ADMIN_PATH = java.util.regex.Pattern.compile("api/apps/[^/]+/policy");

  private final TokenFile tokens;
  private final boolean readsNeedToken;

  public OperatorAuthFilter(TokenFile tokens, boolean readsNeedToken) {
    this.tokens = tokens;
    this.readsNeedToken = readsNeedToken;
  }

  /** The role a request needs. */
  static Role needed(String method, String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (method.equals("GET") || method.equals("HEAD")) {
      return Role.VIEWER;
    }
    if (p.equals("api/policy") || ADMIN_PATH.matcher(p).matches()) {
      return Role.ADMIN;
    }
    return Role.OPERATOR;
  }

  @Override
  public void filter(ContainerRequestContext ctx) {
    String path = ctx.getUriInfo().getPath();
    if (!path.startsWith("api") && !path.startsWith("/api")) {
      return;
    }
    Role needed = needed(ctx.getMethod(), path);
    String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null && needed == Role.VIEWER && !readsNeedToken) {
      return;
    }
    if (header == null || !header.startsWith("Bearer ")) {
      ctx.abortWith(refusal(401, "this request needs Authorization: Bearer <token> (a " + needed + "'s or higher)"));
      return;
    }
    Optional<Operator> who = tokens.authenticate(header.substring(7).strip());
    if (who.isEmpty()) {
      ctx.abortWith(refusal(401, "unknown token"));
      return;
    }
    Operator op = who.get();
    if (!op.role().includes(needed)) {
      ctx.abortWith(refusal(403, op.name() + " is a " + op.role() + "; " + ctx.getMethod() + " " + path + " needs a "
          + needed));
      return;
    }
    boolean secure = ctx.getSecurityContext() != null && ctx.getSecurityContext().isSecure();
    ctx.setSecurityContext(new SecurityContext() {
      @Override
      public Principal getUserPrincipal() {
        return op;
      }

      @Override
      public boolean isUserInRole(String role) {
        return op.role().includes(Role.parse(role));
      }

      @Override
      public boolean isSecure() {
        return secure;
      }

      @Override
      public String getAuthenticationScheme() {
        return "Bearer";
      }
    });
  }

  private static Response refusal(int status, String message) {
    Response.ResponseBuilder b = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message));
    if (status == 401) {
      b.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"portcullis\"");
    }
    return b.build();
  }

  /** The operator who made the request; null for an unauthenticated read. */
  public static Operator operator(SecurityContext sc) {
    return sc != null && sc.getUserPrincipal() instanceof Operator op ? op : null;
  }
}
