package dev.portcullis.client.http;

import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Function;

/**
 * A {@code jakarta.servlet} filter that asks an {@link AclClient} about every request: allowed
 * requests go on; denied ones get 403, limited ones 429 with {@code Retry-After}. Works in any
 * Servlet 6 container (Jetty 12, Tomcat 10+, Dropwizard 4/5, Spring Boot 3).
 */
public final class AclServletFilter implements Filter {

  private final AclClient client;
  private final ClientIpResolver resolver;
  private final Function<HttpServletRequest, String> iface;
  private final String callerHeader;
  private final boolean rateLimitHeaders;

  /**
   * @param iface        names the interface of a request; default {@link InterfaceNamer}
   * @param callerHeader header carrying the caller id for quotas, or null
   */
  public AclServletFilter(AclClient client, ClientIpResolver resolver, Function<HttpServletRequest, String> iface,
      String callerHeader) {
    this(client, resolver, iface, callerHeader, false);
  }

  /** @param rateLimitHeaders add {@link RateLimitHeader} to limited answers */
  public AclServletFilter(AclClient client, ClientIpResolver resolver, Function<HttpServletRequest, String> iface,
      String callerHeader, boolean rateLimitHeaders) {
    this.rateLimitHeaders = rateLimitHeaders;
    this.client = client;
    this.resolver = resolver;
    this.iface = iface != null ? iface : r -> InterfaceNamer.name(r.getMethod(), r.getRequestURI());
    this.callerHeader = callerHeader;
  }

  public AclServletFilter(AclClient client, ClientIpResolver resolver) {
    this(client, resolver, null, null);
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse res)) {
      chain.doFilter(request, response);
      return;
    }
    String ip = resolver.resolve(req.getRemoteAddr(), name -> ClientIpResolver.headerValues(req.getHeaders(name)));
    Decision d = client.check(ip, iface.apply(req), callerHeader == null ? null : req.getHeader(callerHeader));
    switch (d.outcome()) {
      case ALLOW -> chain.doFilter(request, response);
      case DENY -> res.sendError(HttpServletResponse.SC_FORBIDDEN, "Forbidden");
      case LIMIT -> {
        long retry = d.retryAfterSeconds(client.nowMillis());
        res.setHeader("Retry-After", Long.toString(retry > 0 ? retry : 1));
        if (rateLimitHeaders) {
          res.setHeader(RateLimitHeader.NAME, RateLimitHeader.value(retry));
        }
        res.sendError(429, "Too Many Requests");
      }
      default -> throw new IllegalStateException(d.outcome().name());
    }
  }
}
