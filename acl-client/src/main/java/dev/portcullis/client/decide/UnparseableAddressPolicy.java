package dev.portcullis.client.decide;

/** What {@code check} answers for a client address that does not parse. Never an exception. */
public enum UnparseableAddressPolicy {
  /** Deny in CLOSED apps, allow (and count) in OPEN apps. The default. */
  BY_MODE,
  /** Always allow (and count). */
  ALLOW,
  /** Always deny. */
  DENY
}
