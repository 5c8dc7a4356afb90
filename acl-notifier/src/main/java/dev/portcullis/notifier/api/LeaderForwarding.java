package dev.portcullis.notifier.api;

import dev.portcullis.notifier.leader.Leadership;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Intercept writes sent to a standby are forwarded to the leader, so an operator (or a load balancer
 * in front of every notifier) need not know which one leads. The standby has already authenticated the
 * caller; the leader authenticates the same token again (the notifiers share one token file) and
 * audits the change as usual. The leader's answer is relayed as it is, with
 * {@value #SERVED_BY} naming the notifier that made the change.
 *
 * <p>A request is forwarded at most once: one that arrives forwarded ({@value #FORWARDED_BY}) at a
 * notifier that does not lead either (leadership is moving) is answered 503, as is one whose leader
 * has not advertised a URL or does not answer within the timeout. Thread-safe.
 */
public final class LeaderForwarding {

  public static final String FORWARDED_BY = "X-Portcullis-Forwarded-By";
  public static final String SERVED_BY = "X-Portcullis-Served-By";

  private final Leadership leadership;
  private final String selfId;
  private final Duration timeout;
  private final HttpClient http;

  public LeaderForwarding(Leadership leadership, String selfId, Duration timeout) {
    this.leadership = leadership;
    this.selfId = selfId;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * Null when this notifier takes the write itself; else the answer to send: the leader's, or a 503
   * saying why the write cannot be made now.
   */
  public Response forwardUnlessServing(String method, byte[] body, UriInfo uri, HttpHeaders headers) {
    String reason = leadership.notServingReason();
    if (reason == null) {
      return null;
    }
    if (leadership.isLeader()) {
      return ApiErrors.error(503, "this notifier leads but does not take intercept changes yet: " + reason);
    }
    String leader = leadership.leaderId();
    String from = headers.getHeaderString(FORWARDED_BY);
    if (from != null) {
      return ApiErrors.error(503, "forwarded by " + from + " but this notifier (" + selfId
          + ") does not lead either; the leader is " + (leader.isEmpty() ? "unknown" : leader) + " (leadership is moving: retry)");
    }
    String base = leadership.leaderUrl();
    if (base.isEmpty()) {
      return ApiErrors.error(503, "this notifier is a standby and the leader (" + (leader.isEmpty() ? "unknown" : leader)
          + ") advertises no API URL; send intercept changes to the leader");
    }
    return forward(base, leader, method, body, uri, headers);
  }

  private Response forward(String base, String leader, String method, byte[] body, UriInfo uri, HttpHeaders headers) {
    URI target = URI.create(stripSlash(base) + "/" + uri.getPath(false).replaceFirst("^/", "")
        + (uri.getRequestUri().getRawQuery() == null ? "" : "?" + uri.getRequestUri().getRawQuery()));
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(timeout).header(FORWARDED_BY, selfId)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    String auth = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (auth != null) {
      b.header(HttpHeaders.AUTHORIZATION, auth);
    }
    MediaType type = headers.getMediaType();
    if (type != null) {
      b.header(HttpHeaders.CONTENT_TYPE, type.toString());
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      Response.ResponseBuilder out = Response.status(r.statusCode()).header(SERVED_BY, leader);
      r.headers().firstValue(HttpHeaders.CONTENT_TYPE).ifPresent(t -> out.header(HttpHeaders.CONTENT_TYPE, t));
      return r.body().length == 0 ? out.build() : out.entity(r.body()).build();
    } catch (IOException e) {
      return ApiErrors.error(503, "this notifier is a standby and the leader " + leader + " at " + base
          + " did not answer (" + e + "); retry");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebApplicationException(ApiErrors.error(503, "interrupted while forwarding to the leader " + leader));
    }
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
