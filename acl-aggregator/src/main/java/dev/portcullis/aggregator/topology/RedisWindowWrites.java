package dev.portcullis.aggregator.topology;

import dev.portcullis.address.IpAddress;
import dev.portcullis.aggregator.flush.WindowWrite;
import dev.portcullis.redis.RedisKeys;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each window of a store entry goes in Redis: its key, member, TTL and bound; and which minute keys
 * it wrote while their minute was open, to be trimmed to {@link RedisKeys#PAST_MINUTE_MEMBERS} once it is
 * past ({@link #pastMinuteKeys}). One per task; not thread-safe.
 */
final class RedisWindowWrites {

  private static final Logger LOG = LoggerFactory.getLogger(RedisWindowWrites.class);
  private static final long SECOND_TTL = 120;
  private static final long MINUTE_TTL = 7200;
  private static final long DAY_TTL = 2 * 86400 + 3600;
  /**
   * The most members one window key keeps (per app, window and shard: 64 shards keep 640,000 per app and
   * window): the highest counts stay, so the scanner still sees every address over its limit while fewer
   * than this many are over the lowest limit in one shard's window.
   */
  static final int KEEP_PER_KEY = 10_000;
  /** A "now" before every window: {@link #of} then skips none as expired. */
  static final long ANY_TIME = Long.MIN_VALUE / 4;
  /**
   * Minutes a window stays open after it began: counted into by late records and judged by the scanner
   * (the current minute and the one before); after that its keys keep their highest
   * {@link RedisKeys#PAST_MINUTE_MEMBERS} members.
   */
  static final long OPEN_MINUTES = 2;

  private final RedisKeys keys;
  /**
   * Address and prefix minute keys written while open, by minute; at most apps x shards x 2 per minute,
   * for the two or three minutes open at once (and the keys of a failed trim, under Long.MIN_VALUE).
   */
  private final TreeMap<Long, Set<String>> openMinuteKeys = new TreeMap<>();

  RedisWindowWrites(RedisKeys keys) {
    this.keys = keys;
  }

  /**
   * Adds to {@code out} the writes of the windows of {@code st} whose slot bit is set in {@code mask}
   * (-1: all), skipping those whose Redis key has expired anyway by {@code nowSec}.
   */
  void of(String storeKey, WindowState st, long mask, long nowSec, List<WindowWrite> out) {
    StoreKey key = StoreKey.parse(storeKey);
    String app = key.app();
    String member = key.member();
    for (int slot = 0; slot < st.slots(); slot++) {
      if ((mask & (1L << slot)) == 0 || st.start(slot) == Long.MIN_VALUE) {
        continue;
      }
      long start = st.start(slot);
      long count = st.count(slot);
      switch (key.kind()) {
        case ADDRESS, PREFIX, TOTAL, NODE -> {
          boolean second = st.ringOf(slot) == 0;
          if (second ? start < nowSec - SECOND_TTL : start * 60 < nowSec - MINUTE_TTL) {
            continue; // its Redis key has expired anyway
          }
          String redisKey;
          if (key.kind() == StoreKey.Kind.TOTAL) {
            redisKey = second ? keys.totalSecondWindow(app, start) : keys.totalMinuteWindow(app, start);
          } else if (key.kind() == StoreKey.Kind.NODE) {
            redisKey = second ? keys.nodeSecondWindow(app, start) : keys.nodeMinuteWindow(app, start);
          } else if (key.kind() == StoreKey.Kind.ADDRESS) {
            int shard = keys.shard(IpAddress.parse(member));
            redisKey = second ? keys.secondWindow(app, shard, start) : keys.minuteWindow(app, shard, start);
          } else {
            int shard = keys.shard(member);
            redisKey = second ? keys.prefixSecondWindow(app, shard, start) : keys.prefixMinuteWindow(app, shard, start);
          }
          boolean bounded = key.kind() == StoreKey.Kind.ADDRESS || key.kind() == StoreKey.Kind.PREFIX;
          int keep = bounded ? KEEP_PER_KEY : 0;
          if (bounded && !second) {
            if (nowSec != ANY_TIME && start <= nowSec / 60 - OPEN_MINUTES) {
              keep = RedisKeys.PAST_MINUTE_MEMBERS; // a late record or a rewrite: trimmed in the same pipeline
            } else {
              openMinuteKeys.computeIfAbsent(start, m -> new HashSet<>()).add(redisKey);
            }
          }
          out.add(new WindowWrite(redisKey, member, count, second ? SECOND_TTL : MINUTE_TTL, keep));
        }
        case PREFIX_SHARE -> {
          if (st.ringOf(slot) != 0 || start < nowSec - SECOND_TTL) {
            continue; // shares are judged per second only (and the key has expired anyway)
          }
          out.add(new WindowWrite(keys.prefixShareSecondWindow(app, start), member, count, SECOND_TTL, KEEP_PER_KEY));
        }
        case QUOTA -> {
          int shard = keys.shard(member);
          LocalDate day = LocalDate.ofEpochDay(start);
          out.add(new WindowWrite(keys.quotaDay(app, shard, RedisKeys.yyyymmdd(day)), member, count, DAY_TTL, KEEP_PER_KEY));
        }
        case QUOTA_HOUR -> {
          int shard = keys.shard(member);
          LocalDate day = LocalDate.ofEpochDay(start);
          out.add(new WindowWrite(keys.quotaHours(app, shard, RedisKeys.yyyymmdd(day)), member, count, DAY_TTL,
              KEEP_PER_KEY));
        }
        case HELD_QUOTA, HELD_QUOTA_HOUR, HELD_PREFIX -> LOG.warn("a held share is never flushed: {}", storeKey);
      }
    }
  }

  /**
   * Takes the minute keys written while open whose minute is past at {@code nowSec}: to be trimmed to
   * {@link RedisKeys#PAST_MINUTE_MEMBERS}, or handed back with {@link #trimLater} if that fails.
   */
  List<String> pastMinuteKeys(long nowSec) {
    List<String> past = new ArrayList<>();
    long firstOpen = nowSec / 60 - OPEN_MINUTES + 1;
    while (!openMinuteKeys.isEmpty() && openMinuteKeys.firstKey() < firstOpen) {
      past.addAll(openMinuteKeys.pollFirstEntry().getValue());
    }
    return past;
  }

  /** Keys {@link #pastMinuteKeys} gave whose trim failed: given again by its next call. */
  void trimLater(List<String> keys) {
    openMinuteKeys.computeIfAbsent(Long.MIN_VALUE, m -> new HashSet<>()).addAll(keys);
  }
}
