package dev.portcullis.client.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.client.decide.InterceptSet;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What a client accepts from the notices topic: the prefix floors, the cap, tombstones and poison. */
class ActiveNoticesTest {

  private static final long NOW = 1_763_880_000_000L;
  private static final WireCodec CODEC = new WireCodec();

  private long offset;

  private ConsumerRecord<String, byte[]> record(String app, String target) {
    InterceptNotice n = new InterceptNotice("id-" + offset, app, Cidr.parse(target), InterceptNotice.Action.DENY, 1, "test", NOW,
        NOW + 60_000);
    return new ConsumerRecord<>("acl.notices", 0, offset++, n.key(), CODEC.write(n));
  }

  private ConsumerRecord<String, byte[]> tombstone(String key) {
    return new ConsumerRecord<>("acl.notices", 0, offset++, key, null);
  }

  @Test
  void noticesWiderThanTheFloor_areRefusedAndCounted() {
    ActiveNotices active = new ActiveNotices("shop", NoticeGuard.DEFAULT);
    assertThat(active.apply(record("shop", "0.0.0.0/0"), NOW)).isFalse();
    assertThat(active.apply(record("shop", "10.0.0.0/8"), NOW)).isFalse();
    assertThat(active.apply(record("shop", "::/0"), NOW)).isFalse();
    assertThat(active.apply(record("shop", "2001:db8::/32"), NOW)).isFalse();
    assertThat(active.apply(record("shop", "10.1.0.0/16"), NOW)).as("at the floor").isTrue();
    assertThat(active.apply(record("shop", "2001:db8:1::/48"), NOW)).isTrue();
    assertThat(active.refused()).isEqualTo(4);
    assertThat(active.size()).isEqualTo(2);
    assertThat(active.poison()).isZero();
  }

  @Test
  void noticesForEveryApp_areHeldToANarrowerFloor() {
    ActiveNotices active = new ActiveNotices("shop", NoticeGuard.DEFAULT);
    assertThat(active.apply(record("*", "10.1.0.0/16"), NOW)).isFalse();
    assertThat(active.apply(record("*", "2001:db8:1::/48"), NOW)).isFalse();
    assertThat(active.apply(record("*", "203.0.113.0/24"), NOW)).isTrue();
    assertThat(active.apply(record("*", "2001:db8:1:2::/64"), NOW)).isTrue();
    assertThat(active.refused()).isEqualTo(2);
  }

  @Test
  void aDeploymentThatOptsIn_acceptsWideNotices() {
    ActiveNotices active = new ActiveNotices("shop", new NoticeGuard(16, 48, 24, 64, true, 1_000_000));
    assertThat(active.apply(record("*", "0.0.0.0/0"), NOW)).isTrue();
    InterceptSet set = active.toInterceptSet();
    assertThat(set.size()).isEqualTo(1);
  }

  @Test
  void theCapHolds_newNoticesBeyondItAreRefusedWhileHeldOnesStillChange() {
    int cap = 100_000;
    ActiveNotices active = new ActiveNotices("shop", new NoticeGuard(16, 48, 24, 64, false, cap));
    for (int i = 0; i < 2 * cap; i++) {
      active.apply(record("shop", IpAddress.ofV4(0xC6120000 + i).toString()), NOW);
    }
    assertThat(active.size()).isEqualTo(cap);
    assertThat(active.refused()).isEqualTo(cap);
    String held = "shop|" + IpAddress.ofV4(0xC6120000);
    assertThat(active.apply(record("shop", IpAddress.ofV4(0xC6120000).toString()), NOW)).as("a held key is re-issued").isTrue();
    assertThat(active.apply(tombstone(held), NOW)).as("and released").isTrue();
    assertThat(active.size()).isEqualTo(cap - 1);
    assertThat(active.apply(record("shop", "203.0.113.250"), NOW)).as("room again for one").isTrue();
  }

  @Test
  void withTheDefaultGuard_twoMillionNoticesOffered_holdOneMillion_andRefuseAndCountTheRest() {
    ActiveNotices active = new ActiveNotices("shop", NoticeGuard.DEFAULT);
    byte[] template = CODEC.write(new InterceptNotice("id", "shop", Cidr.parse("10.0.0.0/32"), InterceptNotice.Action.DENY, 1,
        "test", NOW, NOW + 60_000));
    for (int i = 0; i < 2_000_000; i++) {
      IpAddress target = IpAddress.ofV4(0x0A000000 + i);
      active.apply(new ConsumerRecord<>("acl.notices", 0, i, "shop|" + target, reTarget(template, target)), NOW);
    }
    assertThat(active.size()).isEqualTo(1_000_000);
    assertThat(active.refused()).isEqualTo(1_000_000);
    assertThat(active.poison()).isZero();
  }

  /** The template notice for another /32 target, without encoding 2M notices field by field. */
  private static byte[] reTarget(byte[] template, IpAddress target) {
    return new String(template, java.nio.charset.StandardCharsets.UTF_8).replace("10.0.0.0", target.toString())
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void anOversizedRecord_isRefusedUnreadAndCounted() {
    ActiveNotices active = new ActiveNotices("shop", NoticeGuard.DEFAULT);
    InterceptNotice n = new InterceptNotice("id-big", "shop", Cidr.parse("203.0.113.9"), InterceptNotice.Action.DENY, 1,
        "x", NOW, NOW + 60_000);
    // valid JSON (trailing white space) that would be held if its size were not checked
    byte[] padded = (new String(CODEC.write(n), java.nio.charset.StandardCharsets.UTF_8) + " ".repeat(ActiveNotices.MAX_NOTICE_BYTES))
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(active.apply(new ConsumerRecord<>("acl.notices", 0, offset++, n.key(), padded), NOW)).isFalse();
    assertThat(active.refused()).isEqualTo(1);
    assertThat(active.size()).isZero();
  }

  @Test
  void otherAppsNotices_andPoison_areNotHeld() {
    ActiveNotices active = new ActiveNotices("shop", NoticeGuard.DEFAULT);
    assertThat(active.apply(record("billing", "203.0.113.7"), NOW)).isFalse();
    assertThat(active.apply(new ConsumerRecord<>("acl.notices", 0, offset++, "no-bar", new byte[] {1}), NOW)).isFalse();
    assertThat(active.apply(new ConsumerRecord<>("acl.notices", 0, offset++, "shop|203.0.113.7", "{}".getBytes()), NOW))
        .isFalse();
    assertThat(active.poison()).isEqualTo(2);
    assertThat(active.refused()).isZero();
    assertThat(active.size()).isZero();
  }

  @Test
  void aGuardWithAnImpossibleSetting_isRefusedNamingIt() {
    assertThatThrownBy(() -> new NoticeGuard(33, 48, 24, 64, false, 10)).hasMessageContaining("minPrefixV4 must be between 0 and 32, was 33");
    assertThatThrownBy(() -> new NoticeGuard(16, 48, 24, 64, false, 0)).hasMessageContaining("maxActive must be >= 1, was 0");
  }
}
