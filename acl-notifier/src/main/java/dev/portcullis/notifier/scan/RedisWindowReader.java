package dev.portcullis.notifier.scan;

import dev.portcullis.address.IpAddress;
import dev.portcullis.redis.RedisKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * Reads the sharded window key space in Redis. Scans ask each shard only for members above a
 * threshold ({@code ZRANGEBYSCORE key limit+1 +inf}), all shards in one pipeline, so the cost grows
 * with the offenders, not with the traffic. Thread-safe if the {@link UnifiedJedis} is (it is).
 */
public final class RedisWindowReader implements WindowReader {

  private final UnifiedJedis redis;
  private final RedisKeys keys;

  public RedisWindowReader(UnifiedJedis redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  private String key(Kind kind, String app, int shard, long start) {
    return switch (kind) {
      case SECOND -> keys.secondWindow(app, shard, start);
      case MINUTE -> keys.minuteWindow(app, shard, start);
      case PREFIX_SECOND -> keys.prefixSecondWindow(app, shard, start);
      case PREFIX_MINUTE -> keys.prefixMinuteWindow(app, shard, start);
      case QUOTA_DAY -> keys.quotaDay(app, shard, (int) start);
      case QUOTA_HOURS -> keys.quotaHours(app, shard, (int) start);
    };
  }

  @Override
  public List<Count> above(String app, Kind kind, long windowStart, long threshold) {
    List<Response<List<Tuple>>> responses;
    try (AbstractPipeline p = redis.pipelined()) {
      responses = queueAbove(p, app, kind, windowStart, threshold);
      p.sync();
    }
    return counts(responses);
  }

  /** All windows and shards in one pipeline. */
  @Override
  public Map<Long, List<Count>> above(String app, Kind kind, long fromStart, long toStart, long threshold) {
    Map<Long, List<Response<List<Tuple>>>> responses = new TreeMap<>();
    try (AbstractPipeline p = redis.pipelined()) {
      for (long w = fromStart; w <= toStart; w++) {
        responses.put(w, queueAbove(p, app, kind, w, threshold));
      }
      p.sync();
    }
    Map<Long, List<Count>> out = new TreeMap<>();
    responses.forEach((w, window) -> {
      List<Count> counts = counts(window);
      if (!counts.isEmpty()) {
        out.put(w, counts);
      }
    });
    return out;
  }

  private List<Response<List<Tuple>>> queueAbove(AbstractPipeline p, String app, Kind kind, long windowStart,
      long threshold) {
    List<Response<List<Tuple>>> responses = new ArrayList<>(keys.shards());
    for (int shard = 0; shard < keys.shards(); shard++) {
      responses.add(p.zrangeByScoreWithScores(key(kind, app, shard, windowStart), threshold + 1, Double.POSITIVE_INFINITY));
    }
    return responses;
  }

  private static List<Count> counts(List<Response<List<Tuple>>> responses) {
    List<Count> out = new ArrayList<>();
    for (Response<List<Tuple>> r : responses) {
      for (Tuple t : r.get()) {
        out.add(new Count(t.getElement(), (long) t.getScore()));
      }
    }
    return out;
  }

  @Override
  public List<Count> top(String app, Kind kind, long windowStart, int n) {
    List<Response<List<Tuple>>> responses = new ArrayList<>(keys.shards());
    try (AbstractPipeline p = redis.pipelined()) {
      for (int shard = 0; shard < keys.shards(); shard++) {
        responses.add(p.zrevrangeWithScores(key(kind, app, shard, windowStart), 0, n - 1));
      }
      p.sync();
    }
    List<Count> all = new ArrayList<>();
    for (Response<List<Tuple>> r : responses) {
      for (Tuple t : r.get()) {
        all.add(new Count(t.getElement(), (long) t.getScore()));
      }
    }
    all.sort(Comparator.comparingLong(Count::count).reversed().thenComparing(Count::member));
    return all.size() > n ? all.subList(0, n) : all;
  }

  @Override
  public long count(String app, Kind kind, long windowStart, String member) {
    Double score = redis.zscore(key(kind, app, shardOf(kind, member), windowStart), member);
    return score == null ? 0 : score.longValue();
  }

  /** Pipelined: one round trip for all. */
  @Override
  public long[] counts(String app, Kind kind, long[] windowStarts, String[] members) {
    List<Response<Double>> responses = new ArrayList<>(members.length);
    try (AbstractPipeline p = redis.pipelined()) {
      for (int i = 0; i < members.length; i++) {
        responses.add(p.zscore(key(kind, app, shardOf(kind, members[i]), windowStarts[i]), members[i]));
      }
      p.sync();
    }
    long[] out = new long[members.length];
    for (int i = 0; i < out.length; i++) {
      Double score = responses.get(i).get();
      out[i] = score == null ? 0 : score.longValue();
    }
    return out;
  }

  private int shardOf(Kind kind, String member) {
    boolean address = kind == Kind.SECOND || kind == Kind.MINUTE;
    return address ? keys.shard(IpAddress.parse(member)) : keys.shard(member);
  }

  @Override
  public Map<Long, Map<String, Long>> perNode(String app, boolean seconds, long from, long to) {
    Map<Long, Response<List<Tuple>>> responses = new HashMap<>();
    try (AbstractPipeline p = redis.pipelined()) {
      for (long w = from; w <= to; w++) {
        responses.put(w, p.zrangeWithScores(seconds ? keys.nodeSecondWindow(app, w) : keys.nodeMinuteWindow(app, w), 0, -1));
      }
      p.sync();
    }
    Map<Long, Map<String, Long>> out = new TreeMap<>();
    for (long w = from; w <= to; w++) {
      for (Tuple t : responses.get(w).get()) {
        int bar = t.getElement().indexOf('|'); // task|node
        if (bar > 0) {
          out.computeIfAbsent(w, x -> new TreeMap<>()).merge(t.getElement().substring(bar + 1), (long) t.getScore(), Long::sum);
        }
      }
    }
    return out;
  }

  /** Reads the second's whole share key (one per app: at most 10,000 members, the aggregators trim it). */
  @Override
  public Map<String, Long> prefixSharesAbove(String app, long second, long threshold) {
    Map<String, Long> sums = new HashMap<>();
    for (Tuple t : redis.zrangeWithScores(keys.prefixShareSecondWindow(app, second), 0, -1)) {
      int bar = t.getElement().lastIndexOf('|'); // prefix|task
      if (bar > 0) {
        sums.merge(t.getElement().substring(0, bar), (long) t.getScore(), Long::sum);
      }
    }
    sums.values().removeIf(sum -> sum <= threshold);
    return sums;
  }

  @Override
  public Map<Long, Long> totalsPerSecond(String app, long fromSec, long toSec) {
    Map<Long, Response<List<Tuple>>> responses = new HashMap<>();
    try (AbstractPipeline p = redis.pipelined()) {
      for (long s = fromSec; s <= toSec; s++) {
        responses.put(s, p.zrangeWithScores(keys.totalSecondWindow(app, s), 0, -1));
      }
      p.sync();
    }
    Map<Long, Long> out = new TreeMap<>();
    for (long s = fromSec; s <= toSec; s++) {
      long sum = 0;
      for (Tuple t : responses.get(s).get()) {
        sum += (long) t.getScore();
      }
      out.put(s, sum);
    }
    return out;
  }
}
