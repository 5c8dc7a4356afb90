package dev.portcullis.client.notice;

import dev.portcullis.client.decide.InterceptSet;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notices in force for one app, by notice key: what the notices topic says, less what has
 * lapsed. Owned by the subscriber's thread (not thread-safe, but for the counters, which any thread
 * may read).
 */
final class ActiveNotices {

  private static final Logger LOG = LoggerFactory.getLogger(ActiveNotices.class);

  /** A notice is a few hundred bytes; a record this large is refused unread (a forged or broken writer). */
  static final int MAX_NOTICE_BYTES = 16 * 1024;

  private final String app;
  private final WireCodec codec = new WireCodec();
  private final Map<String, InterceptNotice> active = new HashMap<>();
  private final LongAdder applied = new LongAdder();
  private final LongAdder poison = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final NoticeGuard guard;
  private long nextExpiry = Long.MAX_VALUE; // no active notice lapses before this
  private long pendingIssuedAt = Long.MIN_VALUE;

  ActiveNotices(String app, NoticeGuard guard) {
    this.app = app;
    this.guard = guard;
  }

  /**
   * Applies one record of the notices topic: a notice for this app or every app is added (or, if it
   * has lapsed, removed), a tombstone removes its key; a record with a bad key, an invalid value or a
   * key that does not match its content is counted as poison and skipped.
   *
   * @return true iff the set changed
   */
  boolean apply(ConsumerRecord<String, byte[]> r, long now) {
    String key = r.key();
    KafkaKeys.Parts parts;
    try {
      parts = KafkaKeys.splitNotice(key);
    } catch (IllegalArgumentException e) {
      poison.increment();
      LOG.warn("skipping a notice with a bad key at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      return false;
    }
    if (!parts.app().equals(app) && !parts.app().equals(KafkaKeys.ALL_APPS)) {
      return false;
    }
    if (r.value() == null) {
      return active.remove(key) != null;
    }
    if (r.value().length > MAX_NOTICE_BYTES) {
      return refuse(key, "its record is " + r.value().length + " bytes, over the " + MAX_NOTICE_BYTES + " a notice may take");
    }
    InterceptNotice n;
    try {
      n = codec.readNotice(r.value(), r.topic() + "-" + r.partition() + "@" + r.offset());
    } catch (IllegalArgumentException e) {
      poison.increment();
      LOG.warn("skipping an invalid notice: {}", e.getMessage());
      return false;
    }
    if (!n.key().equals(key)) {
      poison.increment();
      LOG.warn("skipping a notice whose key {} does not match its content {}", key, n.key());
      return false;
    }
    if (!n.isActiveAt(now)) {
      return active.remove(key) != null;
    }
    String refusal = guard.refusal(n);
    if (refusal == null && !active.containsKey(key) && active.size() >= guard.maxActive()) {
      refusal = "the client already holds its maximum of " + guard.maxActive() + " notices";
    }
    if (refusal != null) {
      return refuse(key, refusal);
    }
    active.put(key, n);
    if (n.expiresAt() != null) {
      nextExpiry = Math.min(nextExpiry, n.expiresAt());
    }
    applied.increment();
    pendingIssuedAt = n.issuedAt(); // its lag is measured when the set holding it is in force
    return true;
  }

  private boolean refuse(String key, String why) {
    refused.increment();
    if (Long.bitCount(refused.sum()) == 1) { // the 1st, 2nd, 4th, 8th ... refusal: a storm logs a few lines
      LOG.warn("refusing notice {} ({} refused so far): {}", key, refused.sum(), why);
    }
    return false;
  }

  /** Drops lapsed notices; walks the set only once the earliest expiry has passed. @return true iff any was dropped */
  boolean sweepExpired(long now) {
    if (now < nextExpiry) {
      return false;
    }
    boolean removed = false;
    long next = Long.MAX_VALUE;
    for (Iterator<InterceptNotice> it = active.values().iterator(); it.hasNext(); ) {
      InterceptNotice n = it.next();
      if (!n.isActiveAt(now)) {
        it.remove();
        removed = true;
      } else if (n.expiresAt() != null) {
        next = Math.min(next, n.expiresAt());
      }
    }
    nextExpiry = next;
    return removed;
  }

  /** The notices in force, compiled for the decision engine. */
  InterceptSet toInterceptSet() {
    return InterceptSet.of(app, active.values());
  }

  /** The issue time of the last notice applied since the previous call, or {@link Long#MIN_VALUE}. */
  long takePendingIssuedAt() {
    long t = pendingIssuedAt;
    pendingIssuedAt = Long.MIN_VALUE;
    return t;
  }

  int size() {
    return active.size();
  }

  long applied() {
    return applied.sum();
  }

  long poison() {
    return poison.sum();
  }

  /** Valid notices refused: too wide for the guard, or beyond its cap. */
  long refused() {
    return refused.sum();
  }
}
