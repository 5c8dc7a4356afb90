package dev.portcullis.wire;

import dev.portcullis.address.IpAddress;
import dev.portcullis.keys.Identifiers;

/**
 * What one node saw from one IP on one interface during one coalescing slice: {@code n} requests,
 * {@code denied} of which the client refused. Topic {@code acl.access}, key {@code <app>|<ip>}.
 *
 * @param caller optional principal (platform id, API key id) for quota rules; {@code null} if unknown
 * @param ts     start of the slice, epoch milliseconds
 */
public record AccessEvent(String app, String iface, IpAddress ip, String caller, long ts, long n, long denied, String node) {

  public static final int VERSION = 1;

  public AccessEvent {
    Identifiers.requireApp("app", app);
    Identifiers.requireLabel("iface", iface);
    if (ip == null) {
      throw new IllegalArgumentException("ip must not be null");
    }
    if (caller != null) {
      Identifiers.requireLabel("caller", caller);
    }
    if (ts < 0) {
      throw new IllegalArgumentException("ts must be >= 0, was " + ts);
    }
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, was " + n);
    }
    if (denied < 0 || denied > n) {
      throw new IllegalArgumentException("denied must be between 0 and n (" + n + "), was " + denied);
    }
    Identifiers.requireNode("node", node);
  }
}
