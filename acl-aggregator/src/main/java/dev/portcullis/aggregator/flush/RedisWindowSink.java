package dev.portcullis.aggregator.flush;

import dev.portcullis.redis.RedisEndpoints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Writes windows to Redis (standalone or Cluster) with one pipeline per flush: the writes to one
 * sorted-set key are combined into one {@code ZADD key score member ...}, followed by one
 * {@code EXPIRE} for that key, and for a key that keeps only its highest members, one
 * {@code ZREMRANGEBYRANK key 0 -(keep+1)} dropping the lowest beyond them (so that a window's key holds
 * at most {@code keep} members however many addresses an attacker uses). In cluster mode Jedis groups
 * the pipeline by node. The number of commands grows with the distinct window keys touched, not with
 * requests or members.
 */
public final class RedisWindowSink implements WindowSink {

  private final UnifiedJedis redis;

  public RedisWindowSink(RedisEndpoints endpoints) {
    this.redis = endpoints.connect();
  }

  @Override
  public int write(List<WindowWrite> batch) {
    if (batch.isEmpty()) {
      return 0;
    }
    Map<String, Map<String, Double>> byKey = new HashMap<>();
    Map<String, Long> ttl = new HashMap<>();
    Map<String, Integer> keep = new HashMap<>();
    for (WindowWrite w : batch) {
      if (w.keep() > 0) {
        keep.merge(w.key(), w.keep(), Math::max);
      }
      byKey.computeIfAbsent(w.key(), k -> new HashMap<>()).put(w.member(), (double) w.count());
      ttl.merge(w.key(), w.ttlSeconds(), Math::max);
    }
    List<Response<?>> replies = new ArrayList<>(byKey.size() * 3);
    try (AbstractPipeline p = redis.pipelined()) {
      for (Map.Entry<String, Map<String, Double>> e : byKey.entrySet()) {
        replies.add(p.zadd(e.getKey(), e.getValue()));
        replies.add(p.expire(e.getKey(), ttl.get(e.getKey())));
        Integer k = keep.get(e.getKey());
        if (k != null) {
          replies.add(p.zremrangeByRank(e.getKey(), 0, -(k + 1L)));
        }
      }
      p.sync();
    }
    // a pipeline does not throw for an error reply (a Redis still loading its data after a restart
    // answers -LOADING): each reply is read, and one error fails the flush, which is then retried
    for (Response<?> r : replies) {
      r.get();
    }
    return replies.size();
  }

  @Override
  public void close() {
    redis.close();
  }
}
