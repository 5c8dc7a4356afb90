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
 */
public record ListEntry(Cidr cidr, Long expiresAt, String note, String by, long createdAt) {

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
    if (createdAt < 0) {
      throw new IllegalArgumentException("createdAt must be >= 0, was " + createdAt);
    }
  }

  public boolean isActiveAt(long nowMillis) {
    return expiresAt == null || nowMillis < expiresAt;
  }
}
