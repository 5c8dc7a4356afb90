package dev.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyBuildersTest {

  @Test
  void kafkaKeys_accessAndNoticeKeysFollowTheContract() {
    assertThat(KafkaKeys.access("shop", IpAddress.parse("203.0.113.7"))).isEqualTo("shop|203.0.113.7");
    assertThat(KafkaKeys.access("shop", IpAddress.parse("::ffff:203.0.113.7"))).isEqualTo("shop|203.0.113.7");
    assertThat(KafkaKeys.notice("*", Cidr.parse("10.0.0.0/8"))).isEqualTo("*|10.0.0.0/8");
    assertThat(KafkaKeys.notice("shop", Cidr.parse("2001:db8::1/128"))).isEqualTo("shop|2001:db8::1");
    assertThat(Cidr.parse(KafkaKeys.splitNotice("shop|2001:db8::1").rest())).isEqualTo(Cidr.parse("2001:db8::1/128"));
    assertThat(KafkaKeys.splitNotice("shop|10.0.0.0/8")).isEqualTo(new KafkaKeys.Parts("shop", "10.0.0.0/8"));
    assertThat(KafkaKeys.quotaNotice("shop", "partner-42", "GET /export")).isEqualTo("shop|quota:partner-42|GET /export");
    assertThat(KafkaKeys.splitNotice("shop|quota:partner-42|GET /export"))
        .isEqualTo(new KafkaKeys.Parts("shop", "quota:partner-42|GET /export"));
    assertThat(KafkaKeys.splitNotice("*|10.0.0.0/8")).isEqualTo(new KafkaKeys.Parts("*", "10.0.0.0/8"));
  }

  @Test
  void noticeKeys_rejectEveryOtherShape() {
    for (String bad : List.of("nobar", "a|b|c", "|1.2.3.4", "shop|", "shop|quota:", "shop|quota:|GET /",
        "shop|quota:p|", "shop|quota:p|GET /|x", "shop|quota:p")) {
      assertThatThrownBy(() -> KafkaKeys.splitNotice(bad)).as(bad)
          .hasMessageContaining("must be <app>|<target> or <app>|quota:<caller>|<iface>");
    }
    assertThatThrownBy(() -> KafkaKeys.quotaNotice("shop", "a|b", "GET /")).hasMessageContaining("caller must be");
  }

  @Test
  void kafkaKeys_rejectMalformedApps() {
    assertThatThrownBy(() -> KafkaKeys.access("Shop", IpAddress.parse("1.2.3.4"))).hasMessageContaining("app must be");
    assertThatThrownBy(() -> KafkaKeys.access("*", IpAddress.parse("1.2.3.4"))).hasMessageContaining("app must be");
  }

  @Test
  void zkPaths_followTheLayout() {
    ZkPaths p = new ZkPaths("/portcullis");
    assertThat(p.globalPolicy()).isEqualTo("/portcullis/global/policy");
    assertThat(p.appPolicy("shop")).isEqualTo("/portcullis/apps/shop/policy");
    assertThat(p.limit("shop", Cidr.parse("198.51.100.7/32"))).isEqualTo("/portcullis/apps/shop/limits/198.51.100.7_32");
    String entry = p.listEntry(null, ListKind.ALLOW, Cidr.parse("10.0.0.0/8"));
    assertThat(entry).matches("/portcullis/global/allow/[0-9a-f]{2}/10\\.0\\.0\\.0_8");
    assertThat(p.listEntry("shop", ListKind.DENY, Cidr.parse("2001:db8::/32")))
        .matches("/portcullis/apps/shop/deny/[0-9a-f]{2}/2001:db8::_32");
    assertThat(p.node("shop", "shop-1:8080")).isEqualTo("/portcullis/apps/shop/nodes/shop-1:8080");
    assertThat(p.notifierLeader()).isEqualTo("/portcullis/notifier/leader");
    assertThat(new ZkPaths("/x/y").globalPolicy()).isEqualTo("/x/y/global/policy");
  }

  @Test
  void zkPaths_entryNamesRoundTrip() {
    for (String c : new String[] {"10.0.0.0/8", "203.0.113.7/32", "2001:db8::/32", "::/0", "::1/128"}) {
      Cidr cidr = Cidr.parse(c);
      assertThat(ZkPaths.parseEntryName(ZkPaths.entryName(cidr))).isEqualTo(cidr);
    }
    assertThatThrownBy(() -> ZkPaths.parseEntryName("10.0.0.0")).hasMessageContaining("must be <address>_<prefix>");
    assertThatThrownBy(() -> ZkPaths.parseEntryName("10.0.0.1_8")).hasMessageContaining("host bits");
  }

  @Test
  void zkPaths_rejectBadRoots() {
    for (String bad : new String[] {"portcullis", "/", "/a/", "/a//b", ""}) {
      assertThatThrownBy(() -> new ZkPaths(bad)).hasMessageContaining("ZooKeeper root must be");
    }
  }

  @Test
  void zkPaths_bucketsSpreadEntries() {
    Set<String> buckets = new HashSet<>();
    for (int i = 0; i < 5000; i++) {
      buckets.add(ZkPaths.bucket(ZkPaths.entryName(Cidr.of(IpAddress.ofV4(0x0A000000 + i)))));
    }
    assertThat(buckets).hasSize(256);
  }

  @Test
  void identifierChecks_agreeWithTheirDocumentedPatterns() {
    SplittableRandom rnd = new SplittableRandom(9);
    String alphabet = "abzAZ09._-:[]|* /\u0001\u007f\u0085éx";
    for (int i = 0; i < 100_000; i++) {
      int len = rnd.nextInt(0, i % 100 == 0 ? 260 : 12);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < len; k++) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String s = sb.toString();
      assertThat(Identifiers.isApp(s)).as("app \"%s\"", s).isEqualTo(Identifiers.APP.matcher(s).matches());
      assertThat(Identifiers.isNode(s)).as("node \"%s\"", s).isEqualTo(Identifiers.NODE.matcher(s).matches());
      assertThat(Identifiers.isLabel(s)).as("label \"%s\"", s).isEqualTo(Identifiers.LABEL.matcher(s).matches());
    }
    assertThat(Identifiers.isApp(null)).isFalse();
  }
}
