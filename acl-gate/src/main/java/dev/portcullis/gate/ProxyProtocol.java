package dev.portcullis.gate;

import com.sun.net.httpserver.HttpExchange;

/**
 * The external-authorization calls the gate answers, one path each: how the proxy tells the original
 * request's method and path, and which status codes it passes on to the client.
 */
public enum ProxyProtocol {

  /**
   * nginx {@code auth_request}: the method and URI in {@code X-Original-Method} and {@code X-Original-URI}
   * (set by {@code proxy_set_header}); nginx passes on 401 and 403 only and treats any other refusal as an
   * error, so a limited request is answered 403 with {@code X-Portcullis-Status: 429} (and
   * {@code Retry-After}) for the nginx configuration to turn into a 429 (README, config/nginx-gate.conf).
   */
  NGINX("/nginx", "X-Original-Method", "X-Original-URI", 204),

  /** Traefik {@code forwardAuth}: {@code X-Forwarded-Method} and {@code X-Forwarded-Uri}; any non-2xx answer reaches the client. */
  TRAEFIK("/traefik", "X-Forwarded-Method", "X-Forwarded-Uri", 200),

  /**
   * Envoy {@code ext_authz} in HTTP mode with {@code path_prefix: /envoy}: the check request carries the
   * original method, and the original path after the prefix; a non-200 answer reaches the client.
   */
  ENVOY("/envoy", null, null, 200);

  private final String path;
  private final String methodHeader;
  private final String uriHeader;
  private final int allowStatus;

  ProxyProtocol(String path, String methodHeader, String uriHeader, int allowStatus) {
    this.path = path;
    this.methodHeader = methodHeader;
    this.uriHeader = uriHeader;
    this.allowStatus = allowStatus;
  }

  /** The gate's path for this protocol. */
  public String path() {
    return path;
  }

  /** The status of an allowed request's answer. */
  public int allowStatus() {
    return allowStatus;
  }

  /** True when a limited request must be answered 403 (with its real status in a header), as nginx needs. */
  public boolean limitsAs403() {
    return this == NGINX;
  }

  /**
   * The original request's method and path (without its query), or null when the proxy did not send
   * them (a configuration error, answered 400 naming the headers).
   */
  public String[] original(HttpExchange ex) {
    if (this == ENVOY) {
      String p = ex.getRequestURI().getRawPath();
      String rest = p.length() > path.length() ? p.substring(path.length()) : "/";
      return new String[] {ex.getRequestMethod(), rest.startsWith("/") ? rest : "/" + rest};
    }
    String method = ex.getRequestHeaders().getFirst(methodHeader);
    String uri = ex.getRequestHeaders().getFirst(uriHeader);
    if (method == null || uri == null) {
      return null;
    }
    int q = uri.indexOf('?');
    return new String[] {method, q < 0 ? uri : uri.substring(0, q)};
  }

  /** What a proxy must send for {@link #original} to find the request, for the 400's message. */
  public String requirement() {
    return this == ENVOY ? "the original path after " + path : methodHeader + " and " + uriHeader + " headers";
  }
}
