package dev.portcullis.notifier.leader;

/** Whether this notifier leads, as the API asks it before a write; thread-safe. */
public interface Leadership {

  /** True while this notifier holds leadership. */
  boolean isLeader();

  /** The id of the current leader, or "" if unknown. */
  String leaderId();

  /**
   * Null when this notifier takes intercept writes (it leads and holds the active intercepts), else
   * why not, for the caller's answer.
   */
  String notServingReason();
}
