package dev.portcullis.notifier;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;
import java.net.URI;

/** Where the other notifiers reach this one's API: {@code api.advertisedUrl}, else its first application connector. */
final class AdvertisedUrl {

  private AdvertisedUrl() {}

  /**
   * @return the URL, or "" when it cannot be told (a connector on port 0, or of an unknown type): then
   *     standbys answer intercept writes with 503 naming this notifier instead of forwarding them
   * @throws IllegalArgumentException when {@code api.advertisedUrl} is not an absolute http(s) URL
   */
  static String of(NotifierConfiguration c) {
    if (c.api.advertisedUrl != null) {
      URI u;
      try {
        u = URI.create(c.api.advertisedUrl);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("api.advertisedUrl is not a URL: " + c.api.advertisedUrl, e);
      }
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new IllegalArgumentException("api.advertisedUrl must be an absolute http(s) URL, was " + c.api.advertisedUrl);
      }
      return c.api.advertisedUrl;
    }
    ServerFactory f = c.getServerFactory();
    ConnectorFactory connector;
    String root = "";
    if (f instanceof DefaultServerFactory d && !d.getApplicationConnectors().isEmpty()) {
      connector = d.getApplicationConnectors().get(0);
      root = d.getApplicationContextPath();
    } else if (f instanceof SimpleServerFactory s) {
      connector = s.getConnector();
      root = s.getApplicationContextPath();
    } else {
      return "";
    }
    if (!(connector instanceof HttpConnectorFactory http) || http.getPort() == 0) {
      return "";
    }
    String bind = http.getBindHost();
    String host = bind == null || bind.isEmpty() || "0.0.0.0".equals(bind) || "::".equals(bind) ? localHostName() : bind;
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    String scheme = connector instanceof HttpsConnectorFactory ? "https" : "http";
    String path = root == null || root.equals("/") ? "" : (root.endsWith("/") ? root.substring(0, root.length() - 1) : root);
    return scheme + "://" + host + ":" + http.getPort() + path;
  }

  /** For a connector on every interface: this machine's name, as the other notifiers would resolve it. */
  private static String localHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getCanonicalHostName();
    } catch (java.io.IOException e) {
      return "127.0.0.1";
    }
  }
}
