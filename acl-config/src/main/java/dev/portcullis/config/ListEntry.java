package dev.portcullis.config;

import dev.portcullis.address.Cidr;

/**
 * An allow or deny entry. An entry past its {@code expiresAt} is inert everywhere, whether or not
 * anything has deleted it yet.
 *
 * @param expiresAt epoch ms; {@code null} for no expiry
 * @param note      free text for people; may be empty
 * @param by        who added it
 * @param createdAt epoch ms
 * @param forced    why an admin forced an entry wider than the blast-radius guard allows
 *                  ({@link BlastRadius}); null for an entry within it. A wider entry without it is not enforced.
 */
public record ListEntry(Cidr cidr, Long expiresAt, String note, String by, long createdAt, String forced) {

  /** An entry that was not forced. */
  public ListEntry(Cidr cidr, Long expiresAt, String note, String by, long createdAt) {
    this(cidr, expiresAt, note, by, createdAt, null);
  }

  public ListEntry {
    if (cidr == null) {
      throw new IllegalArgumentException("cidr must not be null");
    }
    if (expiresAt != null && expiresAt <= createdAt) {
      throw new IllegalArgumentException("expiresAt must be after createdAt (" + createdAt + "), was " + expiresAt);
    }
    note = note == null ? "" : note;
    if (note.length() > 500) {
      throw new IllegalArgumentException("note must be at most 500 characters, was " + note.length());
    }
    if (by == null || by.isEmpty() || by.length() > 200) {
      throw new IllegalArgumentException("by must be 1-200 characters, was " + by);
    }
    if (forced != null && (forced.isBlank() || forced.length() > 200)) {
      throw new IllegalArgumentException("forced must be a reason of 1-200 characters, was \"" + forced + "\"");
    }
    if (createdAt < 0) {
      throw new IllegalArgumentException("createdAt must be >= 0, was " + createdAt);
    }
  }

  public boolean isActiveAt(long nowMillis) {
    return expiresAt == null || nowMillis < expiresAt;
  }
}
