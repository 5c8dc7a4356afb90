package dev.portcullis.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ClientIpResolverTest {

  private static final List<Cidr> PROXIES = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));
  private final Resolver resolver = new Resolver(new ClientIpResolver(PROXIES));
  private final Resolver forwarded = new Resolver(new ClientIpResolver(PROXIES, ForwardingHeader.FORWARDED));

  /** The resolver with the two headers the old tests give, as a request would carry them. */
  private record Resolver(ClientIpResolver r) {
    String resolve(String peer, List<String> forwarded, List<String> xff) {
      return r.resolve(peer, headers(Map.of("Forwarded", forwarded, "X-Forwarded-For", xff)));
    }
  }

  private static Function<String, List<String>> headers(Map<String, List<String>> h) {
    return name -> h.getOrDefault(name, List.of());
  }

  /** A request as a proxy chain built it: the peer, and every header line by name. */
  private static String as(ClientIpResolver r, String peer, Map<String, List<String>> h) {
    return r.resolve(peer, headers(h));
  }

  private static final String CLIENT = "198.51.100.23";
  private static final String FORGED = "6.6.6.6";

  @Test
  void behindNginx_theXffItAppendsTo_givesTheClient_andAForgedForwardedHeaderIsIgnored() {
    // proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; the client's own Forwarded passes through
    Map<String, List<String>> h = Map.of("X-Forwarded-For", List.of(FORGED + ", " + CLIENT), "Forwarded",
        List.of("for=" + FORGED));
    assertThat(as(new ClientIpResolver(PROXIES), "10.0.0.2", h)).isEqualTo(CLIENT);
    assertThat(as(new ClientIpResolver(PROXIES, ForwardingHeader.NONE), "10.0.0.2", h)).isEqualTo("10.0.0.2");
  }

  @Test
  void behindNginxWithXRealIp_theAddressItSets_givesTheClient_andForgedHeadersAreIgnored() {
    // proxy_set_header X-Real-IP $remote_addr overwrites whatever the client sent
    Map<String, List<String>> h = Map.of("X-Real-IP", List.of(CLIENT), "X-Forwarded-For", List.of(FORGED), "Forwarded",
        List.of("for=" + FORGED));
    assertThat(as(new ClientIpResolver(PROXIES, ForwardingHeader.X_REAL_IP), "10.0.0.2", h)).isEqualTo(CLIENT);
    assertThat(as(new ClientIpResolver(PROXIES, ForwardingHeader.X_REAL_IP), "203.0.113.9", h))
        .as("from a peer that is not a proxy").isEqualTo("203.0.113.9");
  }

  @Test
  void behindHaproxy_forwardforAddsAHeaderLine_forwardedAppendsAnElement_eachGivesTheClient() {
    // option forwardfor: a new X-Forwarded-For line after the client's own
    assertThat(as(new ClientIpResolver(PROXIES), "10.0.0.3", Map.of("X-Forwarded-For", List.of(FORGED, CLIENT),
        "Forwarded", List.of("for=" + FORGED)))).isEqualTo(CLIENT);
    // option forwarded: a Forwarded line after the client's forged one; the client's forged XFF is ignored
    assertThat(as(new ClientIpResolver(PROXIES, ForwardingHeader.FORWARDED), "10.0.0.3", Map.of("Forwarded",
        List.of("for=" + FORGED, "for=" + CLIENT + ";proto=https"), "X-Forwarded-For", List.of(FORGED)))).isEqualTo(CLIENT);
  }

  @Test
  void behindAnAwsAlbAndThenNginx_theRightmostUntrustedHopIsTheClient_andForwardedIsIgnored() {
    // the ALB (10.0.3.4) appends the client to XFF and passes Forwarded through; nginx appends the ALB
    Map<String, List<String>> h = Map.of("X-Forwarded-For", List.of(FORGED + ", " + CLIENT + ", 10.0.3.4"), "Forwarded",
        List.of("for=" + FORGED));
    assertThat(as(new ClientIpResolver(PROXIES), "10.0.0.2", h)).isEqualTo(CLIENT);
  }

  @Test
  void aForgedForwardedHeaderFromAClient_isBelievedUnderNoSetting() {
    Map<String, List<String>> forged = Map.of("Forwarded", List.of("for=" + FORGED), "X-Forwarded-For", List.of(FORGED),
        "X-Real-IP", List.of(FORGED));
    for (ForwardingHeader setting : ForwardingHeader.values()) {
      assertThat(as(new ClientIpResolver(PROXIES, setting), "203.0.113.9", forged)).as(setting.name())
          .isEqualTo("203.0.113.9");
    }
  }

  @Test
  void spoofedHeadersFromAnUntrustedPeer_areIgnored() {
    assertThat(resolver.resolve("203.0.113.9", List.of("for=1.1.1.1"), List.of("1.1.1.1, 10.0.0.5")))
        .isEqualTo("203.0.113.9");
  }

  @Test
  void trustedChain_rightmostUntrustedAddressWins() {
    // client wrote a fake first hop; our two proxies appended the real client and themselves
    assertThat(resolver.resolve("10.0.0.2", List.of(), List.of("6.6.6.6, 198.51.100.23, 10.0.0.7")))
        .isEqualTo("198.51.100.23");
    assertThat(resolver.resolve("10.0.0.2", List.of(), List.of("6.6.6.6", "198.51.100.23", "10.0.0.7")))
        .isEqualTo("198.51.100.23");
  }

  @Test
  void forwardedHeader_whenChosen_isParsedWithQuotesBracketsAndPorts() {
    assertThat(forwarded.resolve("10.0.0.2",
        List.of("for=6.6.6.6;proto=https, for=\"[2001:db8::1]:4711\";by=10.0.0.9", "for=10.0.0.3"),
        List.of("9.9.9.9"))).isEqualTo("2001:db8::1");
    assertThat(forwarded.resolve("10.0.0.2", List.of("for=192.0.2.60:8080"), List.of())).isEqualTo("192.0.2.60");
  }

  @Test
  void allHopsTrusted_returnsTheLeftmost() {
    assertThat(resolver.resolve("10.0.0.2", List.of(), List.of("10.1.1.1, 10.0.0.7"))).isEqualTo("10.1.1.1");
    assertThat(resolver.resolve("10.0.0.2", List.of(), List.of())).isEqualTo("10.0.0.2");
  }

  @Test
  void unparseableHop_isReturnedAsItIsForTheUnparseableRule() {
    assertThat(resolver.resolve("10.0.0.2", List.of(), List.of("198.51.100.1, not-an-ip"))).isEqualTo("not-an-ip");
    assertThat(forwarded.resolve("10.0.0.2", List.of("for=unknown"), List.of())).isEqualTo("unknown");
  }

  @Test
  void ipv6Peer_withBrackets() {
    assertThat(resolver.resolve("[fd00::1]", List.of(), List.of("2001:db8::9"))).isEqualTo("2001:db8::9");
    assertThat(new Resolver(ClientIpResolver.direct()).resolve("[2001:db8::1]", List.of(), List.of("1.1.1.1")))
        .isEqualTo("2001:db8::1");
  }

  @Test
  void interfaceNames_collapseIdentifiers() {
    assertThat(InterfaceNamer.name("GET", "/items/42")).isEqualTo("GET /items/{id}");
    assertThat(InterfaceNamer.name("GET", "/users/3f2b8c1e-0d3a-4b7e-9f00-123456789abc/orders"))
        .isEqualTo("GET /users/{id}/orders");
    assertThat(InterfaceNamer.name("POST", "/")).isEqualTo("POST /");
    assertThat(InterfaceNamer.name("GET", "/a|b")).isEqualTo("GET /a_b");
  }
}
