package dev.portcullis.gate;

import dev.portcullis.client.decide.Decision;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to one authorization call: its status and headers, from the client's decision and the
 * proxy's protocol. Allowed: 200 (204 for nginx). Denied: 403. Limited: 429 with {@code Retry-After}
 * (403 with {@code X-Portcullis-Status: 429} for nginx) and, as an option, the IETF httpapi draft's
 * {@code RateLimit} header ({@code "portcullis";r=0;t=<seconds>}: nothing left until the limit lapses).
 */
public record GateAnswer(int status, Map<String, String> headers) {

  public static final String STATUS_HEADER = "X-Portcullis-Status";
  public static final String REASON_HEADER = "X-Portcullis-Reason";

  public static GateAnswer of(ProxyProtocol protocol, Decision d, long nowMillis, boolean rateLimitHeaders) {
    Map<String, String> h = new LinkedHashMap<>();
    switch (d.outcome()) {
      case ALLOW -> {
        return new GateAnswer(protocol.allowStatus(), Map.of());
      }
      case DENY -> {
        h.put(STATUS_HEADER, "403");
        h.put(REASON_HEADER, d.reason().name());
        return new GateAnswer(403, h);
      }
      case LIMIT -> {
        long retry = Math.max(1, d.retryAfterSeconds(nowMillis));
        h.put("Retry-After", Long.toString(retry));
        h.put(STATUS_HEADER, "429");
        h.put(REASON_HEADER, d.reason().name());
        if (rateLimitHeaders) {
          h.put(dev.portcullis.client.http.RateLimitHeader.NAME, dev.portcullis.client.http.RateLimitHeader.value(retry));
        }
        return new GateAnswer(protocol.limitsAs403() ? 403 : 429, h);
      }
      default -> throw new IllegalStateException(d.outcome().name());
    }
  }
}
