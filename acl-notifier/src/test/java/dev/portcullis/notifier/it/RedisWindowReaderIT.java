package dev.portcullis.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.IpAddress;
import dev.portcullis.notifier.scan.RedisWindowReader;
import dev.portcullis.notifier.scan.WindowReader;
import dev.portcullis.notifier.scan.WindowReader.Count;
import dev.portcullis.notifier.scan.WindowReader.Kind;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.servers.RedisCluster;
import dev.portcullis.testkit.RealServers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.UnifiedJedis;

/** The Redis window reader against a real 3-master Redis Cluster, with keys written as the aggregator writes them. */
@ExtendWith(RealServers.class)
class RedisWindowReaderIT {

  private static final RedisKeys KEYS = new RedisKeys(64);
  private static final long SEC = 1_796_000_000L;

  private static void write(UnifiedJedis redis, String app, String ip, long count) {
    write(redis, app, SEC, ip, count);
  }

  private static void write(UnifiedJedis redis, String app, long second, String ip, long count) {
    int shard = KEYS.shard(IpAddress.parse(ip));
    redis.zadd(KEYS.secondWindow(app, shard, second), count, IpAddress.parse(ip).toString());
  }

  @Test
  void aboveOverARangeOfSeconds_givesEachSecondItsOwnMembersOverTheThreshold_inOneRead(RedisCluster cluster) {
    String app = "reader-" + System.nanoTime();
    try (UnifiedJedis redis = RedisEndpoints.of(String.join(",", cluster.nodes()), true).connect()) {
      write(redis, app, SEC - 30, "198.51.100.1", 900);
      write(redis, app, SEC - 30, "198.51.100.2", 10);
      write(redis, app, SEC - 12, "2001:db8::7", 101);
      write(redis, app, SEC - 12, "198.51.100.1", 100);
      write(redis, app, SEC - 31, "198.51.100.3", 5_000); // before the range
      write(redis, app, SEC - 1, "198.51.100.4", 5_000); // after it
      WindowReader reader = new RedisWindowReader(redis, KEYS);
      assertThat(reader.above(app, Kind.SECOND, SEC - 30, SEC - 2, 100)).isEqualTo(Map.of(
          SEC - 30, List.of(new Count("198.51.100.1", 900)),
          SEC - 12, List.of(new Count("2001:db8::7", 101))));
      assertThat(reader.above(app, Kind.SECOND, SEC - 12, 99)).as("one second, as the range read gives it")
          .containsExactlyInAnyOrder(new Count("2001:db8::7", 101), new Count("198.51.100.1", 100));
      assertThat(reader.above(app, Kind.PREFIX_SECOND, SEC - 30, SEC - 2, 0)).isEmpty();
    }
  }

  @Test
  void above_findsEveryMemberStrictlyOverTheThresholdInEveryShard(RedisCluster cluster) {
    String app = "reader-" + System.nanoTime();
    try (UnifiedJedis redis = RedisEndpoints.of(String.join(",", cluster.nodes()), true).connect()) {
      for (int i = 0; i < 200; i++) {
        write(redis, app, "198.51." + (i / 100) + "." + (i % 100), i);
      }
      write(redis, app, "2001:db8::1", 1_000);
      WindowReader reader = new RedisWindowReader(redis, KEYS);
      List<Count> above = reader.above(app, Kind.SECOND, SEC, 150);
      assertThat(above).hasSize(50).allSatisfy(c -> assertThat(c.count()).isGreaterThan(150));
      assertThat(above).extracting(Count::member).contains("2001:db8::1", "198.51.1.99").doesNotContain("198.51.1.50");
      assertThat(reader.above(app, Kind.SECOND, SEC + 1, 0)).isEmpty();
      assertThat(reader.count(app, Kind.SECOND, SEC, "2001:db8::1")).isEqualTo(1_000);
      assertThat(reader.count(app, Kind.SECOND, SEC, "198.51.0.7")).isEqualTo(7);
      assertThat(reader.count(app, Kind.SECOND, SEC, "192.0.2.1")).as("a member the window does not hold").isZero();
      assertThat(reader.above(app, Kind.MINUTE, SEC / 60, 0)).isEmpty();
    }
  }

  @Test
  void top_isHighestFirstAcrossShardsAndTotalsSumTheTasks(RedisCluster cluster) {
    String app = "reader-" + System.nanoTime();
    try (UnifiedJedis redis = RedisEndpoints.of(String.join(",", cluster.nodes()), true).connect()) {
      write(redis, app, "10.0.0.1", 5);
      write(redis, app, "10.0.0.2", 50);
      write(redis, app, "10.0.0.3", 500);
      write(redis, app, "10.0.0.4", 50);
      redis.zadd(KEYS.totalSecondWindow(app, SEC), 100, "task-0_0");
      redis.zadd(KEYS.totalSecondWindow(app, SEC), 23, "task-0_1");
      WindowReader reader = new RedisWindowReader(redis, KEYS);
      assertThat(reader.top(app, Kind.SECOND, SEC, 3)).containsExactly(
          new Count("10.0.0.3", 500), new Count("10.0.0.2", 50), new Count("10.0.0.4", 50));
      assertThat(reader.totalsPerSecond(app, SEC - 1, SEC)).isEqualTo(Map.of(SEC - 1, 0L, SEC, 123L));
    }
  }
}
