package dev.portcullis.notifier.intercept;

import dev.portcullis.redis.RedisKeys;
import redis.clients.jedis.UnifiedJedis;

/**
 * Quota releases in Redis: one hash per app at {@code pc:{app:r}:qr}, field {@code caller|iface},
 * value the epoch ms until which the release holds. The hash expires 3 days after its last write;
 * a lapsed field is ignored until then.
 */
public final class RedisQuotaReleases implements QuotaReleases {

  private static final long TTL_SECONDS = 3 * 86_400;

  private final UnifiedJedis redis;
  private final RedisKeys keys;

  public RedisQuotaReleases(UnifiedJedis redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  private String key(String app) {
    return keys.quotaReleases(app);
  }

  @Override
  public long releasedUntil(String app, String caller, String iface) {
    String v = redis.hget(key(app), RedisKeys.quotaMember(caller, iface));
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("unreadable quota release for " + caller + " on " + iface + " in " + app + ": " + v, e);
    }
  }

  @Override
  public void release(String app, String caller, String iface, long untilMillis) {
    String key = key(app);
    redis.hset(key, RedisKeys.quotaMember(caller, iface), Long.toString(untilMillis));
    redis.expire(key, TTL_SECONDS);
  }
}
