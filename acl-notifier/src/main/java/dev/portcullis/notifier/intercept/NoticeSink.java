package dev.portcullis.notifier.intercept;

import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.InterceptNotice;
import java.util.Set;

/** Where the intercept book's decisions go: {@code acl.notices} and {@code acl.audit} in production. */
public interface NoticeSink {

  /** Publishes a notice (replacing any earlier one with the same key). */
  void publish(InterceptNotice notice);

  /** Publishes the release (tombstone) of the notice with this key. */
  void release(String noticeKey);

  /** Records a decision in the audit trail. */
  void audit(AuditRecord record);

  /**
   * Waits until what was handed over is sent (or has failed); called once per scan, outside the
   * book's lock, so that a publish never waits for Kafka while the book is held.
   */
  default void flush() {}

  /** The keys of notices whose publishing failed since the last call, for the book to publish again. */
  default Set<String> takeFailedPublishes() {
    return Set.of();
  }
}
