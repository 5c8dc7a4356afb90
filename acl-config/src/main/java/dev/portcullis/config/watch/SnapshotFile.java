package dev.portcullis.config.watch;

import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import java.io.IOException;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;
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
    return read(body -> codec.read(body, file.toString()));
  }

  /**
   * Reads the stored snapshot's document with {@code reader}, or empty if there is none, it fails
   * its checksum or {@code reader} refuses it with an {@link IllegalArgumentException} (each logged).
   * The checksum is computed on a thread of its own while {@code reader} runs on the caller's (with
   * a million entries each takes a few hundred milliseconds), and nothing {@code reader} returned is
   * handed out unless the checksum matches: a torn or edited file is never applied, even in part.
   */
  public <T> Optional<T> read(Function<byte[], T> reader) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.error("cannot read config snapshot {}: {}", file, e.toString());
      return Optional.empty();
    }
    int nl = indexOf(all, (byte) '\n');
    String header = nl < 0 ? "" : new String(all, 0, nl, StandardCharsets.US_ASCII);
    if (!header.startsWith(MAGIC)) {
      LOG.error("config snapshot {} has no valid header; ignoring it", file);
      return Optional.empty();
    }
    String[] parts = header.substring(MAGIC.length()).split(" ");
    byte[] body = java.util.Arrays.copyOfRange(all, nl + 1, all.length);
    all = null; // the body is a copy: let the whole file go
    if (parts.length != 2 || !parts[1].equals(Integer.toString(body.length))) {
      LOG.error("config snapshot {} fails its checksum (torn or edited); ignoring it", file);
      return Optional.empty();
    }
    FutureTask<String> checksum = new FutureTask<>(() -> sha256(body));
    Thread verifier = new Thread(checksum, "portcullis-snapshot-checksum");
    verifier.setDaemon(true);
    verifier.start();
    T read = null;
    String problem = null;
    try {
      read = reader.apply(body);
    } catch (IllegalArgumentException e) {
      problem = e.getMessage();
    }
    try {
      if (!parts[0].equals("sha256:" + checksum.get())) {
        LOG.error("config snapshot {} fails its checksum (torn or edited); ignoring it", file);
        return Optional.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException e) {
      LOG.error("cannot check config snapshot {}: {}", file, e.getCause().toString());
      return Optional.empty();
    }
    if (problem != null) {
      LOG.error("config snapshot {} is not a valid config: {}", file, problem);
      return Optional.empty();
    }
    return Optional.ofNullable(read);
  }

  /** Replaces the stored snapshot atomically. */
  public void write(ConfigSnapshot snapshot) throws IOException {
    byte[] body = codec.write(snapshot);
    byte[] header = (MAGIC + "sha256:" + sha256(body) + " " + body.length + "\n").getBytes(StandardCharsets.US_ASCII);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
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

  private static int indexOf(byte[] a, byte b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
