package dev.portcullis.notifier.leader;

/** Whether this notifier leads, as the API asks it before a write; thread-safe. */
public interface Leadership {

  /** True while this notifier holds leadership. */
  boolean isLeader();

  /** The id of the current leader, or "" if unknown. */
  String leaderId();

  /** The API URL the current leader advertises (where a standby forwards intercept writes), or "" if unknown. */
  default String leaderUrl() {
    return "";
  }

  /**
   * Null when this notifier takes intercept writes (it leads and holds the active intercepts), else
   * why not, for the caller's answer.
   */
  String notServingReason();
}
