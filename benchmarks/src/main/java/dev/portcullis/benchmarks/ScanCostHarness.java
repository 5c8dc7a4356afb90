package dev.portcullis.benchmarks;

import dev.portcullis.address.IpAddress;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.notifier.scan.Breach;
import dev.portcullis.notifier.scan.RuleScanner;
import dev.portcullis.notifier.scan.RedisWindowReader;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.servers.RedisProcess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * Cost of one notifier scan of one app with 100,000 active IPs: fills a real Redis with the current
 * and previous 1 s and 1 min windows of 100,000 addresses (100 of them over the default limit of
 * 50 req/s), then times {@link RuleScanner#scan} (4 windows x 64 shards of ZRANGEBYSCORE, pipelined),
 * and {@link RuleScanner#scanLate} over the 1 s windows of the 30 seconds before, filled alike
 * (29 windows x 64 shards, one pipeline).
 *
 * <p>Run: {@code java -cp "$CP" dev.portcullis.benchmarks.ScanCostHarness}
 */
public final class ScanCostHarness {

  private ScanCostHarness() {}

  public static void main(String[] args) throws Exception {
    int ips = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    try (RedisProcess redis = RedisProcess.startStandalone();
        UnifiedJedis jedis = RedisEndpoints.of("127.0.0.1:" + redis.port(), false).connect()) {
      RedisKeys keys = new RedisKeys(64);
      long now = System.currentTimeMillis();
      long sec = now / 1000;
      long min = now / 60_000;
      Map<String, Map<String, Double>> data = new HashMap<>();
      for (int i = 0; i < ips; i++) {
        IpAddress ip = IpAddress.ofV4(0x64400000 + i);
        int shard = keys.shard(ip);
        double perSecond = i < 100 ? 80 : 1 + (i % 20);
        for (long s = sec - RuleScanner.DEFAULT_LATE_LOOKBACK; s <= sec; s++) {
          data.computeIfAbsent(keys.secondWindow("shop", shard, s), k -> new HashMap<>()).put(ip.toString(), perSecond);
        }
        for (long m : new long[] {min - 1, min}) {
          data.computeIfAbsent(keys.minuteWindow("shop", shard, m), k -> new HashMap<>()).put(ip.toString(), perSecond * 30);
        }
      }
      try (AbstractPipeline p = jedis.pipelined()) {
        data.forEach(p::zadd);
        p.sync();
      }
      RuleScanner scanner = new RuleScanner(new RedisWindowReader(jedis, keys), null, null);
      Timed scans = time(220, 20, () -> scanner.scan("shop", ConfigSnapshot.EMPTY, now));
      System.out.printf("%d active IPs, %d breaches found per scan; scan time %s%n", ips, scans.breaches(),
          Stats.summary(scans.micros(), " us"));
      Timed late = time(60, 10, () -> scanner.scanLate("shop", ConfigSnapshot.EMPTY, now));
      System.out.printf("late scan (seconds %d to 2 back, once a second): %d breaches found; time %s%n",
          RuleScanner.DEFAULT_LATE_LOOKBACK, late.breaches(), Stats.summary(late.micros(), " us"));
    }
  }

  /** The times of {@code runs - warmUp} runs (after {@code warmUp} not timed) and the breaches of the last. */
  private record Timed(List<Long> micros, int breaches) {}

  private static Timed time(int runs, int warmUp, java.util.function.Supplier<List<Breach>> scan) {
    List<Long> micros = new ArrayList<>();
    int breaches = 0;
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      List<Breach> b = scan.get();
      long us = (System.nanoTime() - t) / 1000;
      if (i >= warmUp) {
        micros.add(us);
        breaches = b.size();
      }
    }
    return new Timed(micros, breaches);
  }
}
