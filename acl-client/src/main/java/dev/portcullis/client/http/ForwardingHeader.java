package dev.portcullis.client.http;

/**
 * Which header carries the client address that your own proxies vouch for. Exactly one is read:
 * a proxy that appends to one header passes the others through unchanged, so reading a second one
 * would believe whatever the client wrote there.
 */
public enum ForwardingHeader {
  /** {@code X-Forwarded-For}, appended by nginx ({@code $proxy_add_x_forwarded_for}), HAProxy ({@code option forwardfor}), AWS ALB, Envoy. The default. */
  X_FORWARDED_FOR("X-Forwarded-For"),
  /** RFC 7239 {@code Forwarded: for=...}, for proxies configured to append it (HAProxy {@code option forwarded}, Envoy, Traefik). */
  FORWARDED("Forwarded"),
  /** {@code X-Real-IP}: one address that the last proxy sets, overwriting any (nginx {@code proxy_set_header X-Real-IP $remote_addr}). */
  X_REAL_IP("X-Real-IP"),
  /** No header: the socket peer is the client (no proxy in front). */
  NONE(null);

  private final String headerName;

  ForwardingHeader(String headerName) {
    this.headerName = headerName;
  }

  /** The HTTP header's name; null for {@link #NONE}. */
  public String headerName() {
    return headerName;
  }
}
