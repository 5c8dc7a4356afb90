package dev.portcullis.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientIpResolverTest {

  private final ClientIpResolver resolver = new ClientIpResolver(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")));

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
  void forwardedHeader_isPreferredAndParsedWithQuotesBracketsAndPorts() {
    assertThat(resolver.resolve("10.0.0.2",
        List.of("for=6.6.6.6;proto=https, for=\"[2001:db8::1]:4711\";by=10.0.0.9", "for=10.0.0.3"),
        List.of("9.9.9.9"))).isEqualTo("2001:db8::1");
    assertThat(resolver.resolve("10.0.0.2", List.of("for=192.0.2.60:8080"), List.of())).isEqualTo("192.0.2.60");
  }

  @Test
  void allHopsTrusted_returnsTheLeftmost() {
    assertThat(resolver.resolve("10.0.0.2", List.of(), List.of("10.1.1.1, 10.0.0.7"))).isEqualTo("10.1.1.1");
    assertThat(resolver.resolve("10.0.0.2", List.of(), List.of())).isEqualTo("10.0.0.2");
  }

  @Test
  void unparseableHop_isReturnedAsItIsForTheUnparseableRule() {
    assertThat(resolver.resolve("10.0.0.2", List.of(), List.of("198.51.100.1, not-an-ip"))).isEqualTo("not-an-ip");
    assertThat(resolver.resolve("10.0.0.2", List.of("for=unknown"), List.of())).isEqualTo("unknown");
  }

  @Test
  void ipv6Peer_withBrackets() {
    assertThat(resolver.resolve("[fd00::1]", List.of(), List.of("2001:db8::9"))).isEqualTo("2001:db8::9");
    assertThat(ClientIpResolver.direct().resolve("[2001:db8::1]", List.of(), List.of("1.1.1.1"))).isEqualTo("2001:db8::1");
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
