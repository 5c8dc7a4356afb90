package dev.portcullis.config;

/** What an app does with a request that no list, intercept or limit decided. */
public enum AppMode {
  /** Allow unless denied: the usual web service. */
  OPEN,
  /** Deny unless allowlisted: an admin-only proxy, for example. */
  CLOSED
}
