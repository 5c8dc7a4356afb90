package dev.portcullis.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.watch.SnapshotFile;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter maps decisions to HTTP answers; the client runs from a snapshot file, with no servers. */
class AclServletFilterTest {

  @TempDir
  Path tmp;

  private static HttpServletRequest request(String peer, Map<String, String> headers) {
    return (HttpServletRequest) Proxy.newProxyInstance(AclServletFilterTest.class.getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
          case "getRemoteAddr" -> peer;
          case "getMethod" -> "GET";
          case "getRequestURI" -> "/items/7";
          case "getHeaders" -> headers.containsKey((String) a[0])
              ? Collections.enumeration(List.of(headers.get((String) a[0]))) : Collections.emptyEnumeration();
          case "getHeader" -> headers.get((String) a[0]);
          default -> null;
        });
  }

  private static HttpServletResponse response(Map<String, Object> sink) {
    return (HttpServletResponse) Proxy.newProxyInstance(AclServletFilterTest.class.getClassLoader(),
        new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
          switch (m.getName()) {
            case "sendError" -> sink.put("status", a[0]);
            case "setHeader" -> sink.put((String) a[0], a[1]);
            default -> { }
          }
          return null;
        });
  }

  @Test
  void deniedGets403_limitedGets429WithRetryAfter_allowedPassesThrough() throws Exception {
    Path file = tmp.resolve("snap");
    new SnapshotFile(file, new ConfigTreeCodec(new ConfigCodec())).write(new ConfigSnapshot(GlobalPolicy.DEFAULT,
        List.of(), List.of(new ListEntry(Cidr.parse("192.0.2.0/24"), null, "", "t", 1)), Map.of(), 1));
    // A fixed clock: the local limit counts per calendar second, so with the system clock the second and
    // third request could fall either side of a second boundary and the third would pass (seen in CI).
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00.500Z"), ZoneOffset.UTC);
    try (AclClient client = AclClient.builder("shop").node("n1").snapshotFile(file).localLimitPerSecond(1)
        .clock(clock).build()) {
      client.start();
      assertThat(client.awaitRules(Duration.ofSeconds(10))).as("the snapshot's rules in force").isTrue();
      AclServletFilter filter = new AclServletFilter(client, new ClientIpResolver(List.of(Cidr.parse("10.0.0.0/8"))));
      AtomicInteger passed = new AtomicInteger();

      Map<String, Object> denied = new HashMap<>();
      filter.doFilter(request("10.0.0.1", Map.of("X-Forwarded-For", "192.0.2.5")), response(denied), (q, s) -> passed.incrementAndGet());
      assertThat(denied).containsEntry("status", 403);

      Map<String, Object> spoof = new HashMap<>();
      filter.doFilter(request("198.51.100.1", Map.of("X-Forwarded-For", "192.0.2.5")), response(spoof), (q, s) -> passed.incrementAndGet());
      assertThat(spoof).as("a spoofed header from an untrusted peer is ignored").isEmpty();
      assertThat(passed.get()).isEqualTo(1);

      Map<String, Object> limited = new HashMap<>();
      filter.doFilter(request("198.51.100.1", Map.of()), response(limited), (q, s) -> passed.incrementAndGet());
      assertThat(limited).containsEntry("status", 429).containsEntry("Retry-After", "1").doesNotContainKey("RateLimit");
      assertThat(passed.get()).isEqualTo(1);

      AclServletFilter withHeaders = new AclServletFilter(client, new ClientIpResolver(List.of()), null, null, true);
      Map<String, Object> limitedAgain = new HashMap<>();
      withHeaders.doFilter(request("198.51.100.1", Map.of()), response(limitedAgain), (q, s) -> passed.incrementAndGet());
      assertThat(limitedAgain).containsEntry("status", 429).containsEntry("RateLimit", "\"portcullis\";r=0;t=1");
    }
  }
}
