package dev.portcullis.notifier.intercept;

/**
 * Quota notices an operator released: the caller may use the interface again until the day it was
 * limited for ends, although its count stays over the quota. Kept where every notifier sees it, so
 * that a new leader does not limit the caller again.
 */
public interface QuotaReleases {

  /** Epoch ms until which the release holds, or 0 if there is none. */
  long releasedUntil(String app, String caller, String iface);

  void release(String app, String caller, String iface, long untilMillis);
}
