package dev.portcullis.notifier.escalation;

import dev.portcullis.address.Cidr;

/** Where offender histories live; must survive a notifier restart or failover (Redis in production). */
public interface HistoryStore {

  /** The history of {@code target} in {@code app}, or null. */
  OffenderHistory get(String app, Cidr target);

  void put(String app, Cidr target, OffenderHistory history);
}
