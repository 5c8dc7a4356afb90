package dev.portcullis.aggregator.flush;

import dev.portcullis.redis.RedisEndpoints;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ClusterCommandArguments;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Protocol;
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

  private final boolean cluster;
  private final UnifiedJedis redis;

  public RedisWindowSink(RedisEndpoints endpoints) {
    this.redis = endpoints.connect();
    this.cluster = endpoints.cluster();
  }

  @Override
  public int write(List<WindowWrite> batch) {
    if (batch.isEmpty()) {
      return 0;
    }
    Map<String, KeyWrites> byKey = new HashMap<>(Math.max(16, batch.size() / 2));
    for (WindowWrite w : batch) {
      KeyWrites k = byKey.get(w.key());
      if (k == null) {
        k = new KeyWrites(w.key(), cluster);
        byKey.put(w.key(), k);
      }
      // counts are whole numbers: written as such (Jedis would format each as a double, a tenth of a
      // flush's time); a member given twice keeps its last count, as ZADD applies them in order
      k.zadd.add(Long.toString(w.count())).add(w.member());
      k.ttl = Math.max(k.ttl, w.ttlSeconds());
      k.keep = Math.max(k.keep, w.keep());
    }
    List<Response<?>> replies = new ArrayList<>(byKey.size() * 3);
    try (AbstractPipeline p = redis.pipelined()) {
      for (KeyWrites k : byKey.values()) {
        replies.add(p.sendCommand(k.zadd));
        replies.add(p.expire(k.key, k.ttl));
        if (k.keep > 0) {
          replies.add(p.zremrangeByRank(k.key, 0, -(k.keep + 1L)));
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
  public int trim(Collection<String> keys, int keep) {
    if (keys.isEmpty()) {
      return 0;
    }
    List<Response<Long>> replies = new ArrayList<>(keys.size());
    try (AbstractPipeline p = redis.pipelined()) {
      for (String key : keys) {
        replies.add(p.zremrangeByRank(key, 0, -(keep + 1L)));
      }
      p.sync();
    }
    for (Response<Long> r : replies) {
      r.get(); // an error reply fails the trim, which is then retried
    }
    return replies.size();
  }

  @Override
  public String servingNodes() {
    return RedisEndpoints.primariesOf(redis);
  }

  /** One window key's writes of a flush: one ZADD of every member, its TTL, how many members it keeps. */
  private static final class KeyWrites {
    final String key;
    final CommandArguments zadd;
    long ttl;
    int keep;

    KeyWrites(String key, boolean cluster) {
      this.key = key;
      // a cluster pipeline routes a command by the hash slot its arguments compute
      this.zadd = (cluster ? new ClusterCommandArguments(Protocol.Command.ZADD) : new CommandArguments(Protocol.Command.ZADD))
          .key(key);
    }
  }

  @Override
  public void close() {
    redis.close();
  }
}
