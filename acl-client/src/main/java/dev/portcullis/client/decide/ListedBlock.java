package dev.portcullis.client.decide;

import dev.portcullis.address.Cidr;

/**
 * The list entry that decided a request, as the client keeps it: the block, which list, whose
 * (the app's or global), and its expiry. The entry's note, author and creation time are not kept
 * in a client (a million of them would cost a service more than its tables): the CLI and the
 * notifier's API show them from ZooKeeper.
 *
 * @param allow     true for the allow list, false for the deny list
 * @param scope     the app's name, or {@code "global"}
 * @param expiresAt epoch ms at which the entry lapses; 0 for none
 */
public record ListedBlock(Cidr block, boolean allow, String scope, long expiresAt) {

  /** For logs: e.g. {@code deny list 203.0.113.0/24 (global)}. */
  @Override
  public String toString() {
    return (allow ? "allow" : "deny") + " list " + block.toCompactString() + " (" + scope + ")";
  }
}
