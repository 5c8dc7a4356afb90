package dev.portcullis.config.watch;

import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ListEntry;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The allow and deny entries of a snapshot file, in binary, beside it ({@code <snapshot>.lists}):
 * what a client needs to enforce them (block, expiry, the app's mode), in fixed-size records that
 * read at memory speed even before the JIT has warmed up, so that a restarting service has a million
 * entries in force in well under a second (streaming the JSON takes seconds in a fresh JVM).
 *
 * <p>Format: {@code PCLISTS1}, the SHA-256 of the snapshot document it was written with (32 bytes),
 * the version, the number of scopes, then per scope (global first, then each app by name) its name,
 * its mode (0 open, 1 closed, -1 for global), its number of limits, the counts of allow and deny
 * entries and the entries,
 * 25 bytes each (family and prefix, high and low address words, expiry or 0); a CRC32C of everything
 * before it ends the file. A sidecar is used only if its checksum holds and it names the document the
 * snapshot file holds now; otherwise the snapshot's JSON is read. Written before the snapshot it
 * belongs to, by {@link SnapshotFile#write}, atomically.
 */
public final class ListsSidecar {

  private static final byte[] MAGIC = "PCLISTS1".getBytes(StandardCharsets.US_ASCII);
  private static final int ENTRY_BYTES = 25;
  private static final int V4 = 129;

  /** Receives one app's entries as they are read. */
  public interface Sink {
    /** Before a scope's entries: how many allow and deny entries follow (to size the columns once). */
    default void expect(int allow, int deny) {}

    /** {@code own}: the app's own entry (else global); {@code expiresAt} 0 for none. */
    void entry(boolean allow, boolean own, boolean v4, long hi, long lo, int prefix, long expiresAt);
  }

  /** The version and app's mode of a sidecar read. */
  public record Header(long version, AppMode mode) {}

  private static final Comparator<ListEntry> BY_ADDRESS = (x, y) -> {
    var a = x.cidr().network();
    var b = y.cidr().network();
    int c = Boolean.compare(b.isV4(), a.isV4());
    if (c == 0) {
      c = Long.compareUnsigned(a.high(), b.high());
    }
    if (c == 0) {
      c = Long.compareUnsigned(a.low(), b.low());
    }
    return c != 0 ? c : Integer.compare(x.cidr().prefix(), y.cidr().prefix());
  };

  private ListsSidecar() {}

  /** Where the sidecar of {@code snapshot} lives. */
  public static Path pathOf(Path snapshot) {
    return snapshot.resolveSibling(snapshot.getFileName() + ".lists");
  }

  static void write(Path path, ConfigSnapshot s, String documentSha256) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(MAGIC);
    out.write(HexFormat.of().parseHex(documentSha256));
    out.writeLong(s.version());
    out.writeInt(1 + s.apps().size());
    scope(out, "", -1, s.globalLimits().size(), s.globalAllow(), s.globalDeny());
    for (AppConfig a : new TreeMap<>(s.apps()).values()) {
      scope(out, a.app(), a.policy().mode().ordinal(), a.limits().size(), a.allow(), a.deny());
    }
    out.flush();
    CRC32C crc = new CRC32C();
    byte[] body = bytes.toByteArray();
    crc.update(body);
    out.writeInt((int) crc.getValue());
    out.flush();
    Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), path.getFileName().toString(), ".tmp");
    try {
      Files.write(tmp, bytes.toByteArray());
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void scope(DataOutputStream out, String name, int mode, int limits, List<ListEntry> allow,
      List<ListEntry> deny) throws IOException {
    out.writeUTF(name);
    out.writeByte(mode);
    out.writeInt(limits);
    out.writeInt(allow.size());
    out.writeInt(deny.size());
    for (List<ListEntry> list : List.of(allow, deny)) {
      // in address order, wider first: a reader's sort of one scope (or of two) is then a linear pass
      List<ListEntry> sorted = new ArrayList<>(list);
      sorted.sort(BY_ADDRESS);
      for (ListEntry e : sorted) {
        var n = e.cidr().network();
        out.writeByte(e.cidr().prefix() + (n.isV4() ? V4 : 0));
        out.writeLong(n.high());
        out.writeLong(n.low());
        out.writeLong(e.expiresAt() == null ? 0 : e.expiresAt());
      }
    }
  }

  /**
   * Reads the global entries and {@code app}'s into {@code sink}, or returns empty if the sidecar is
   * missing, fails its checksum or was written with another document than {@code documentSha256} (the
   * caller then discards whatever {@code sink} received and reads the snapshot itself).
   */
  public static Optional<Header> read(Path path, String documentSha256, String app, Sink sink) {
    ByteBuffer b = verified(path, documentSha256);
    if (b == null) {
      return Optional.empty();
    }
    try {
      b.position(MAGIC.length + 32);
      long version = b.getLong();
      int scopes = b.getInt();
      AppMode mode = AppMode.OPEN;
      for (int k = 0; k < scopes; k++) {
        String name = utf(b);
        int m = b.get();
        b.getInt(); // limits: only counted, by rulesInForce
        int allow = b.getInt();
        int deny = b.getInt();
        boolean global = k == 0;
        if (!global && !name.equals(app)) {
          b.position(b.position() + (allow + deny) * ENTRY_BYTES);
          continue;
        }
        if (!global) {
          mode = AppMode.values()[m];
        }
        sink.expect(allow, deny);
        for (int i = 0; i < allow + deny; i++) {
          int p = b.get() & 0xFF;
          boolean v4 = p >= V4;
          if (p > V4 + 32 || (!v4 && p > 128)) {
            throw new IllegalArgumentException("prefix out of range");
          }
          sink.entry(i < allow, !global, v4, b.getLong(), b.getLong(), v4 ? p - V4 : p, b.getLong());
        }
      }
      return Optional.of(new Header(version, mode));
    } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  /**
   * The rules in force at {@code nowMillis} in the snapshot the sidecar was written from, counted as
   * the config watcher's guard against mass removal counts them: entries not expired, limits, and one
   * per app; empty if the sidecar does not verify or belongs to another document.
   */
  public static OptionalInt rulesInForce(Path path, String documentSha256, long nowMillis) {
    ByteBuffer b = verified(path, documentSha256);
    if (b == null) {
      return OptionalInt.empty();
    }
    try {
      b.position(MAGIC.length + 32 + 8);
      int scopes = b.getInt();
      int n = 0;
      for (int k = 0; k < scopes; k++) {
        utf(b);
        b.get();
        n += (k == 0 ? 0 : 1) + b.getInt();
        int entries = b.getInt() + b.getInt();
        for (int i = 0; i < entries; i++) {
          long expiresAt = b.getLong(b.position() + 17);
          n += expiresAt == 0 || expiresAt > nowMillis ? 1 : 0;
          b.position(b.position() + ENTRY_BYTES);
        }
      }
      return OptionalInt.of(n);
    } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
      return OptionalInt.empty();
    }
  }

  /** The sidecar's bytes if its checksum holds and it names {@code documentSha256}; else null. */
  private static ByteBuffer verified(Path path, String documentSha256) {
    byte[] all;
    try {
      all = Files.readAllBytes(path);
    } catch (IOException e) {
      return null;
    }
    if (all.length < MAGIC.length + 32 + 16) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 4);
    ByteBuffer b = ByteBuffer.wrap(all);
    if ((int) crc.getValue() != b.getInt(all.length - 4)
        || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
        || !HexFormat.of().formatHex(all, MAGIC.length, MAGIC.length + 32).equals(documentSha256)) {
      return null;
    }
    return b;
  }

  private static String utf(ByteBuffer b) {
    int n = b.getShort() & 0xFFFF;
    String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
  }
}
