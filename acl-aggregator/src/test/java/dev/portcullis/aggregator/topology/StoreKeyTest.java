package dev.portcullis.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.keys.KafkaKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreKeyTest {

  @Test
  void hotPathKeys_parseBackToTheirParts() {
    String address = StoreKey.Kind.ADDRESS.key(KafkaKeys.access("shop", IpAddress.parse("2001:db8::7")));
    assertThat(StoreKey.parse(address)).isEqualTo(new StoreKey(StoreKey.Kind.ADDRESS, "shop", "2001:db8::7"));
    String prefix = StoreKey.Kind.PREFIX.key(KafkaKeys.rekeyedPrefix("shop", Cidr.parse("198.51.100.0/24")));
    assertThat(StoreKey.parse(prefix)).isEqualTo(new StoreKey(StoreKey.Kind.PREFIX, "shop", "198.51.100.0/24"));
    String quota = StoreKey.Kind.QUOTA.key(KafkaKeys.rekeyedQuota("shop", "partner-42", "GET /export"));
    assertThat(StoreKey.parse(quota)).isEqualTo(new StoreKey(StoreKey.Kind.QUOTA, "shop", "partner-42|GET /export"));
  }

  @Test
  void encode_isTheInverseOfParseForEveryKind() {
    for (StoreKey.Kind kind : StoreKey.Kind.values()) {
      StoreKey k = new StoreKey(kind, "shop", "a|b");
      assertThat(StoreKey.parse(k.encode())).isEqualTo(k);
      assertThat(StoreKey.kindOf(k.encode())).isEqualTo(kind);
      assertThat(kind.owns(k.encode())).isTrue();
    }
    assertThat(StoreKey.Kind.QUOTA.owns(StoreKey.Kind.ADDRESS.key("shop|10.0.0.1"))).isFalse();
  }

  @Test
  void daily_isTrueOnlyForQuotaKinds() {
    assertThat(StoreKey.Kind.QUOTA.daily()).isTrue();
    assertThat(StoreKey.Kind.HELD_QUOTA.daily()).isTrue();
    assertThat(StoreKey.Kind.ADDRESS.daily()).isFalse();
    assertThat(StoreKey.Kind.PREFIX.daily()).isFalse();
    assertThat(StoreKey.Kind.TOTAL.daily()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s", "s|", "x|shop|10.0.0.1", "s|shop", "s||10.0.0.1", "s|shop|", "sshop|10.0.0.1"})
  void parse_refusesWhatIsNotAStoreKey(String bad) {
    assertThatThrownBy(() -> StoreKey.parse(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be <kind>|<app>|<member>");
  }

  @Test
  void constructor_refusesAnAppWithTheSeparator() {
    assertThatThrownBy(() -> new StoreKey(StoreKey.Kind.ADDRESS, "sh|op", "10.0.0.1")).hasMessageContaining("store key parts");
  }
}
