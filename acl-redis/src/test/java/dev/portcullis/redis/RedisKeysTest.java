package dev.portcullis.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.address.IpAddress;
import java.time.LocalDate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RedisKeysTest {

  @Test
  void quotaReleasesAndMembers_followTheContract() {
    assertThat(new RedisKeys(64).quotaReleases("shop")).isEqualTo("pc:{shop:r}:qr");
    assertThat(RedisKeys.quotaMember("partner-42", "GET /export")).isEqualTo("partner-42|GET /export");
    assertThatThrownBy(() -> RedisKeys.quotaMember("a|b", "GET /x")).hasMessageContaining("caller must be");
    assertThat(RedisKeys.yyyymmdd(LocalDate.of(2026, 11, 23))).isEqualTo(20261123);
    assertThatThrownBy(() -> new RedisKeys(64).quotaDay("shop", 0, 261123)).hasMessageContaining("day must be yyyymmdd");
  }

  @Test
  void parseQuotaMember_isTheInverseOfQuotaMemberAndSkipsAnythingElse() {
    assertThat(RedisKeys.parseQuotaMember(RedisKeys.quotaMember("partner-42", "GET /export")))
        .isEqualTo(new RedisKeys.QuotaMember("partner-42", "GET /export"));
    assertThat(RedisKeys.parseQuotaMember("no-bar")).isNull();
    assertThat(RedisKeys.parseQuotaMember("|GET /x")).isNull();
    assertThat(RedisKeys.parseQuotaMember("caller|")).isNull();
    assertThat(RedisKeys.parseQuotaMember("a|b|c")).isNull();
    assertThat(RedisKeys.parseQuotaMember(null)).isNull();
  }

  @Test
  void redisKeys_useOneHashTagPerAppShard() {
    RedisKeys k = new RedisKeys(64);
    assertThat(k.secondWindow("shop", 5, 1763880000)).isEqualTo("pc:{shop:5}:s:1763880000");
    assertThat(k.minuteWindow("shop", 63, 29398000)).isEqualTo("pc:{shop:63}:m:29398000");
    assertThat(k.quotaDay("shop", 0, 20261123)).isEqualTo("pc:{shop:0}:q:20261123");
    assertThat(k.offenderHistory("shop", 1)).isEqualTo("pc:{shop:1}:h");
    assertThatThrownBy(() -> k.secondWindow("shop", 64, 1)).hasMessageContaining("shard must be between 0 and 63");
    assertThatThrownBy(() -> new RedisKeys(0)).hasMessageContaining("shards must be between 1 and 16384");
  }

  @Test
  void redisKeys_shardIsStableAndEven() {
    RedisKeys k = new RedisKeys(64);
    assertThat(k.shard(IpAddress.parse("203.0.113.7"))).isEqualTo(k.shard(IpAddress.parse("::ffff:203.0.113.7")));
    int[] counts = new int[64];
    SplittableRandom rnd = new SplittableRandom(5);
    int n = 64_000;
    for (int i = 0; i < n; i++) {
      IpAddress ip = i % 2 == 0 ? IpAddress.ofV4(0xC6336400 + i) : IpAddress.ofV6(rnd.nextLong(), rnd.nextLong());
      counts[k.shard(ip)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(n / 64 * 8 / 10, n / 64 * 12 / 10);
    }
  }
}
