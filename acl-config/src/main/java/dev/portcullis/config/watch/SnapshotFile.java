package dev.portcullis.config.watch;

import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last good configuration on local disk, so that a process restarting while ZooKeeper is down
 * still enforces its lists. The file is one header line {@code portcullis-snapshot 1 sha256:<hex> <bytes>}
 * followed by the whole-tree JSON document. Writes go to a temporary file in the same directory,
 * are forced to disk, then atomically renamed over the old file, so a reader sees the old or the new
 * snapshot, never a torn one. A file whose checksum or content does not verify is ignored with an
 * error, never half-applied.
 */
public final class SnapshotFile {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFile.class);
  private static final String MAGIC = "portcullis-snapshot 1 ";

  private final Path file;
  private final ConfigTreeCodec codec;

  public SnapshotFile(Path file, ConfigTreeCodec codec) {
    this.file = file;
    this.codec = codec;
  }

  public Path path() {
    return file;
  }

  /** The stored snapshot, or empty if there is none or it does not verify (logged). */
  public Optional<ConfigSnapshot> read() {
    return read(body -> codec.read(body.readAllBytes(), file.toString()));
  }

  /**
   * The SHA-256 (hex) the stored snapshot's header gives for its document, without reading the
   * document; empty if there is no snapshot or no valid header.
   */
  public Optional<String> documentChecksum() {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 256)) {
      String header = headerLine(in);
      if (header == null || !header.startsWith(MAGIC + "sha256:")) {
        return Optional.empty();
      }
      String rest = header.substring(MAGIC.length() + "sha256:".length());
      int space = rest.indexOf(' ');
      return space == 64 ? Optional.of(rest.substring(0, space)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Reads a document from a stream. */
  @FunctionalInterface
  public interface BodyReader<T> {
    /** @throws IllegalArgumentException if the document is not what it must be, saying why */
    T read(InputStream body) throws IOException;
  }

  /**
   * Reads the stored snapshot's document with {@code reader}, or empty if there is none, it fails
   * its checksum or {@code reader} refuses it with an {@link IllegalArgumentException} (each logged).
   * The document is streamed, checksummed as it is read, and nothing {@code reader} returned is handed
   * out unless the checksum and length match: a torn or edited file is never applied, even in part,
   * and a large file is never held in memory whole (a million entries are ~150 MB of text).
   */
  public <T> Optional<T> read(BodyReader<T> reader) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      String header = headerLine(in);
      if (header == null || !header.startsWith(MAGIC)) {
        LOG.error("config snapshot {} has no valid header; ignoring it", file);
        return Optional.empty();
      }
      String[] parts = header.substring(MAGIC.length()).split(" ");
      if (parts.length != 2 || !parts[0].startsWith("sha256:")) {
        LOG.error("config snapshot {} has no valid header; ignoring it", file);
        return Optional.empty();
      }
      MessageDigest sha = sha256();
      CountingStream body = new CountingStream(new DigestInputStream(in, sha));
      T read = null;
      String problem = null;
      try {
        read = reader.read(body);
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
      body.transferTo(OutputStream.nullOutputStream()); // whatever the reader left, for the checksum
      if (!parts[0].equals("sha256:" + HexFormat.of().formatHex(sha.digest()))
          || !parts[1].equals(Long.toString(body.count))) {
        LOG.error("config snapshot {} fails its checksum (torn or edited); ignoring it", file);
        return Optional.empty();
      }
      if (problem != null) {
        LOG.error("config snapshot {} is not a valid config: {}", file, problem);
        return Optional.empty();
      }
      return Optional.ofNullable(read);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.error("cannot read config snapshot {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  /** The first line, without its newline; null if there is none within 200 bytes. */
  private static String headerLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0 || b.length() > 200) {
        return null;
      }
      b.append((char) c);
    }
    return b.toString();
  }

  /** Counts the bytes read through it. */
  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      count += Math.max(0, n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // read, not skipped: every byte must pass through the digest
      byte[] buf = new byte[(int) Math.min(8192, Math.max(0, n))];
      int k = buf.length == 0 ? 0 : read(buf, 0, buf.length);
      return Math.max(0, k);
    }
  }

  /**
   * Replaces the stored snapshot atomically, after writing its lists' sidecar ({@link ListsSidecar}),
   * which names the document it belongs to.
   */
  public void write(ConfigSnapshot snapshot) throws IOException {
    byte[] body = codec.write(snapshot);
    String sha = sha256(body);
    byte[] header = (MAGIC + "sha256:" + sha + " " + body.length + "\n").getBytes(StandardCharsets.US_ASCII);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    ListsSidecar.write(ListsSidecar.pathOf(file), snapshot, sha);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(header));
        ch.write(java.nio.ByteBuffer.wrap(body));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String sha256(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
