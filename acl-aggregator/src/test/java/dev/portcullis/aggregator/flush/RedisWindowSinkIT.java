package dev.portcullis.aggregator.flush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.IpAddress;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.notifier.scan.Breach;
import dev.portcullis.notifier.scan.RedisWindowReader;
import dev.portcullis.notifier.scan.RuleScanner;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.redis.RedisKeys;
import java.util.HashSet;
import java.util.Set;
import dev.portcullis.servers.RedisProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * The sink on a real Redis: a window key keeps at most its {@code keep} highest members, whatever
 * order and number of members the flushes write, so that Redis memory is bounded per window, not by
 * the addresses an attacker uses; keys without a bound keep everything; the scanner still finds every
 * address over its limit in a trimmed key.
 */
class RedisWindowSinkIT {

  @Test
  void aBoundedWindowKeepsItsHighestMembers_andAnUnboundedOneKeepsAll() throws Exception {
    try (RedisProcess redis = RedisProcess.startStandalone();
        RedisWindowSink sink = new RedisWindowSink(RedisEndpoints.of("127.0.0.1:" + redis.port(), false));
        UnifiedJedis jedis = RedisEndpoints.of("127.0.0.1:" + redis.port(), false).connect()) {
      List<WindowWrite> batch = new ArrayList<>();
      for (int i = 1; i <= 200; i++) { // 2001:db8::1 .. ::c8 with counts 1..200
        batch.add(new WindowWrite("pc:{shop:1}:s:100", "2001:db8::" + Integer.toHexString(i), i, 120, 50));
        batch.add(new WindowWrite("pc:{shop:t}:ts:100", "task-" + i, i, 120));
      }
      sink.write(batch);
      assertThat(jedis.zcard("pc:{shop:1}:s:100")).isEqualTo(50);
      assertThat(jedis.zrangeWithScores("pc:{shop:1}:s:100", 0, 0)).extracting(Tuple::getScore).containsExactly(151.0);
      assertThat(jedis.zcard("pc:{shop:t}:ts:100")).as("unbounded").isEqualTo(200);
      assertThat(jedis.ttl("pc:{shop:1}:s:100")).isPositive();

      // a later flush: one trimmed member comes back higher, one new low member is trimmed at once
      sink.write(List.of(new WindowWrite("pc:{shop:1}:s:100", "2001:db8::1", 500, 120, 50),
          new WindowWrite("pc:{shop:1}:s:100", "2001:db8::fff", 2, 120, 50)));
      assertThat(jedis.zcard("pc:{shop:1}:s:100")).isEqualTo(50);
      assertThat(jedis.zscore("pc:{shop:1}:s:100", "2001:db8::1")).isEqualTo(500.0);
      assertThat(jedis.zscore("pc:{shop:1}:s:100", "2001:db8::fff")).isNull();
      assertThat(jedis.zscore("pc:{shop:1}:s:100", "2001:db8::97")).as("151, now the lowest: trimmed").isNull();
    }
  }

  @Test
  void trim_keepsTheHighestMembersOfEachKey_andLeavesAMissingKeyMissing() throws Exception {
    try (RedisProcess redis = RedisProcess.startStandalone();
        RedisWindowSink sink = new RedisWindowSink(RedisEndpoints.of("127.0.0.1:" + redis.port(), false));
        UnifiedJedis jedis = RedisEndpoints.of("127.0.0.1:" + redis.port(), false).connect()) {
      List<WindowWrite> batch = new ArrayList<>();
      for (int i = 1; i <= 300; i++) {
        batch.add(new WindowWrite("pc:{shop:1}:m:100", "198.51.100." + (i % 256) + "-" + i, i, 7200, 10_000));
        batch.add(new WindowWrite("pc:{shop:2}:m:100", "2001:db8::" + Integer.toHexString(i), 301 - i, 7200, 10_000));
      }
      sink.write(batch);
      assertThat(jedis.zcard("pc:{shop:1}:m:100")).isEqualTo(300);
      assertThat(sink.trim(List.of("pc:{shop:1}:m:100", "pc:{shop:2}:m:100", "pc:{shop:3}:m:100"), 100)).isEqualTo(3);
      assertThat(jedis.zrangeWithScores("pc:{shop:1}:m:100", 0, -1)).extracting(Tuple::getScore)
          .hasSize(100).allMatch(score -> score > 200);
      assertThat(jedis.zscore("pc:{shop:2}:m:100", "2001:db8::1")).as("the highest").isEqualTo(300.0);
      assertThat(jedis.zcard("pc:{shop:2}:m:100")).isEqualTo(100);
      assertThat(jedis.exists("pc:{shop:3}:m:100")).as("not created").isFalse();
      assertThat(jedis.ttl("pc:{shop:1}:m:100")).as("its life unchanged").isPositive();
    }
  }

  @Test
  void anErrorReplyInThePipeline_failsTheWrite_soThatTheFlushIsRetried() throws Exception {
    try (RedisProcess redis = RedisProcess.startStandalone();
        RedisWindowSink sink = new RedisWindowSink(RedisEndpoints.of("127.0.0.1:" + redis.port(), false));
        UnifiedJedis jedis = RedisEndpoints.of("127.0.0.1:" + redis.port(), false).connect()) {
      jedis.set("pc:{shop:2}:s:100", "not a sorted set"); // ZADD answers -WRONGTYPE, as a loading Redis answers -LOADING
      List<WindowWrite> batch = List.of(new WindowWrite("pc:{shop:2}:s:100", "198.51.100.9", 296, 120, 50),
          new WindowWrite("pc:{shop:3}:s:100", "198.51.100.10", 7, 120, 50));
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> sink.write(batch)))
          .as("an error reply is a failed write, not a silent loss").isInstanceOf(RuntimeException.class)
          .hasMessageContaining("WRONGTYPE");
      jedis.del("pc:{shop:2}:s:100");
      sink.write(batch);
      assertThat(jedis.zscore("pc:{shop:2}:s:100", "198.51.100.9")).isEqualTo(296.0);
    }
  }

  @Test
  void aWindowTrimmedToItsTopMembers_stillShowsTheScannerEveryAddressOverItsLimit() throws Exception {
    RedisKeys keys = new RedisKeys();
    long sec = 1_763_880_000L;
    try (RedisProcess redis = RedisProcess.startStandalone();
        RedisWindowSink sink = new RedisWindowSink(RedisEndpoints.of("127.0.0.1:" + redis.port(), false));
        UnifiedJedis jedis = RedisEndpoints.of("127.0.0.1:" + redis.port(), false).connect()) {
      // 15,000 addresses of one shard in one second: 14,700 benign ones (1-40 requests), 300 offenders
      // (61-360 requests, over the default of 50); the key keeps 10,000, written in flushes of 1,000
      List<WindowWrite> batch = new ArrayList<>();
      Set<String> offenders = new HashSet<>();
      int found = 0;
      for (long a = 0; found < 15_000; a++) {
        IpAddress ip = IpAddress.ofV4(0x0A000000 + (int) a);
        if (keys.shard(ip) != 5) {
          continue;
        }
        boolean offender = found % 50 == 0;
        long count = offender ? 61 + found / 50 : 1 + found % 40;
        if (offender) {
          offenders.add(ip + "/32");
        }
        batch.add(new WindowWrite(keys.secondWindow("shop", 5, sec), ip.toString(), count, 120, 10_000));
        found++;
        if (batch.size() == 1_000) {
          sink.write(batch);
          batch.clear();
        }
      }
      assertThat(jedis.zcard(keys.secondWindow("shop", 5, sec))).isEqualTo(10_000);
      RuleScanner scanner = new RuleScanner(new RedisWindowReader(jedis, keys), null, null);
      List<Breach> breaches = scanner.scan("shop", ConfigSnapshot.EMPTY, sec * 1000 + 500);
      assertThat(breaches).extracting(b -> b.target().toString()).containsExactlyInAnyOrderElementsOf(offenders);
    }
  }
}
