package dev.portcullis.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.json.InvalidDocumentException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The codecs of the topics beyond the golden files: generated records round-trip exactly, and a bad
 * document is refused with every problem named at once, with its source.
 */
class WireCodecTest {

  private final WireCodec codec = new WireCodec();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void generatedAccessEvents_roundTripExactly() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 2_000; i++) {
      IpAddress ip = rnd.nextBoolean() ? IpAddress.ofV4(rnd.nextInt()) : IpAddress.ofV6(rnd.nextLong(), rnd.nextLong());
      long n = 1 + rnd.nextInt(100_000);
      AccessEvent e = new AccessEvent("shop-" + rnd.nextInt(10), "GET /items/" + rnd.nextInt(1000), ip,
          rnd.nextBoolean() ? null : "partner-" + rnd.nextInt(100), 1_763_880_000_000L + rnd.nextInt(1_000_000), n,
          rnd.nextLong(n + 1), "node-" + rnd.nextInt(5) + ":8080");
      assertThat(codec.readAccessEvent(codec.write(e), "generated #" + i)).isEqualTo(e);
    }
  }

  @Test
  void notices_roundTripForAddressesQuotasAndEveryApp() {
    InterceptNotice address = new InterceptNotice("n-1", "shop", Cidr.parse("203.0.113.0/24"),
        InterceptNotice.Action.DENY, 2, "84 req/s > 50 req/s (shop default)", 1_000, 61_000L);
    InterceptNotice permanent = new InterceptNotice("n-2", "*", Cidr.parse("2001:db8::/48"), InterceptNotice.Action.DENY,
        4, "manual", 1_000, null);
    InterceptNotice quota = new InterceptNotice("n-3", "shop", null, new InterceptNotice.QuotaScope("partner-42", "GET /export"),
        InterceptNotice.Action.DENY, 1, "10004 req/day > 10000 req/day", 1_000, 86_400_000L);
    for (InterceptNotice n : new InterceptNotice[] {address, permanent, quota}) {
      assertThat(codec.readNotice(codec.write(n), "test")).isEqualTo(n);
    }
    assertThat(quota.isQuota()).isTrue();
    assertThat(permanent.isPermanent()).isTrue();
  }

  @Test
  void auditRecords_andRegistrations_roundTrip() {
    AuditRecord a = new AuditRecord("a-1", 5_000, "alice", AuditRecord.Kind.LIST_ADDED, "proxy", Cidr.parse("192.0.2.10/32"),
        0, "allow list, expires tomorrow", 42, Map.of("window", "1s", "count", "84"));
    assertThat(codec.readAudit(codec.write(a), "test")).isEqualTo(a);
    NodeRegistration r = new NodeRegistration("shop", "shop-1:8080", "0.1.0", 1_763_880_000_000L);
    assertThat(codec.readNodeRegistration(codec.write(r), "test")).isEqualTo(r);
  }

  @Test
  void aBadNotice_namesEveryProblemAndItsSource() {
    String bad = "{\"v\":1,\"id\":\"n\",\"app\":\"Shop!\",\"action\":\"ALLOW\",\"level\":-1,\"reason\":\"x\","
        + "\"issuedAt\":10,\"expiresAt\":5,\"colour\":\"red\"}";
    assertThatThrownBy(() -> codec.readNotice(utf8(bad), "acl.notices-0@17"))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("acl.notices-0@17")
        .hasMessageContaining("app must be '*' or")
        .hasMessageContaining("target is required")
        .hasMessageContaining("action")
        .hasMessageContaining("level")
        .hasMessageContaining("expiresAt must be after issuedAt (10), was 5")
        .hasMessageContaining("colour");
  }

  @Test
  void aQuotaNotice_forEveryApp_orWithATargetToo_isRefused() {
    String everyApp = "{\"v\":1,\"id\":\"n\",\"app\":\"*\",\"quota\":{\"caller\":\"p\",\"iface\":\"GET /x\"},"
        + "\"action\":\"DENY\",\"level\":1,\"reason\":\"x\",\"issuedAt\":1}";
    assertThatThrownBy(() -> codec.readNotice(utf8(everyApp), "t")).hasMessageContaining("quota applies to one app");
    String both = "{\"v\":1,\"id\":\"n\",\"app\":\"shop\",\"target\":\"10.0.0.1\",\"quota\":{\"caller\":\"p\",\"iface\":\"GET /x\"},"
        + "\"action\":\"DENY\",\"level\":1,\"reason\":\"x\",\"issuedAt\":1}";
    assertThatThrownBy(() -> codec.readNotice(utf8(both), "t")).hasMessageContaining("target and quota must not both be given");
  }

  @Test
  void notJson_orAnotherVersion_isRefusedNamingTheSource() {
    assertThatThrownBy(() -> codec.readAccessEvent(utf8("{not json"), "acl.access-3@9"))
        .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("acl.access-3@9");
    String v2 = "{\"v\":2,\"app\":\"shop\",\"iface\":\"GET /\",\"ip\":\"10.0.0.1\",\"ts\":1,\"n\":1,\"denied\":0,\"node\":\"n:1\"}";
    assertThatThrownBy(() -> codec.readAccessEvent(utf8(v2), "t")).hasMessageContaining("v");
  }
}
