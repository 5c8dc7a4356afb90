package dev.portcullis.notifier.escalation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.address.Cidr;
import dev.portcullis.redis.RedisKeys;
import redis.clients.jedis.UnifiedJedis;

/**
 * Offender histories in Redis, sharded like the windows: one hash per (app, shard) at
 * {@code pc:{app:shard}:h}, field = target, value = {@code {"level":2,"lastIssuedAt":…,"lastExpiresAt":…}}.
 * Each hash expires 7 days after its last write, so forgotten offenders do not accumulate.
 */
public final class RedisHistoryStore implements HistoryStore {

  private static final long TTL_SECONDS = 7 * 86_400;

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final ObjectMapper json = new ObjectMapper();

  public RedisHistoryStore(UnifiedJedis redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  private String key(String app, Cidr target) {
    return keys.offenderHistory(app, keys.shard(target.toCompactString()));
  }

  @Override
  public OffenderHistory get(String app, Cidr target) {
    String v = redis.hget(key(app, target), target.toCompactString());
    if (v == null) {
      return null;
    }
    try {
      JsonNode n = json.readTree(v);
      return new OffenderHistory(n.get("level").asInt(), n.get("lastIssuedAt").asLong(),
          n.get("lastExpiresAt") == null || n.get("lastExpiresAt").isNull() ? null : n.get("lastExpiresAt").asLong());
    } catch (Exception e) {
      throw new IllegalStateException("unreadable offender history for " + target + " in " + app + ": " + v, e);
    }
  }

  @Override
  public void put(String app, Cidr target, OffenderHistory h) {
    ObjectNode n = json.createObjectNode();
    n.put("level", h.level());
    n.put("lastIssuedAt", h.lastIssuedAt());
    if (h.lastExpiresAt() == null) {
      n.putNull("lastExpiresAt");
    } else {
      n.put("lastExpiresAt", h.lastExpiresAt());
    }
    String key = key(app, target);
    redis.hset(key, target.toCompactString(), n.toString());
    redis.expire(key, TTL_SECONDS);
  }
}
