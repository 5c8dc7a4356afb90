package dev.portcullis.notifier.intercept;

import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.InterceptNotice;

/** Where the intercept book's decisions go: {@code acl.notices} and {@code acl.audit} in production. */
public interface NoticeSink {

  /** Publishes a notice (replacing any earlier one with the same key). */
  void publish(InterceptNotice notice);

  /** Publishes the release (tombstone) of the notice with this key. */
  void release(String noticeKey);

  /** Records a decision in the audit trail. */
  void audit(AuditRecord record);
}
