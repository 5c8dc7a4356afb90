package dev.portcullis.notifier.operator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators who may use the API, one per line: {@code name role sha256:<hex>} (the SHA-256 of the
 * token, never the token; {@code #} starts a comment). Tokens are random strings of at least 32
 * characters ({@code portcullis token new} makes one with its line). The file is read again when it
 * changes (checked at most once a second), so tokens rotate without a restart; a file that does not
 * parse is logged and the last good one stays. Thread-safe.
 */
public final class TokenFile {

  private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);

  /** Tokens shipped in examples and READMEs; a file that admits one of them is refused. */
  static final Set<String> PLACEHOLDERS = Set.of("change-me", "changeme", "demo-token", "secret", "token",
      "password", "admin");

  private final Path file;
  private final Clock clock;
  private volatile Map<String, Operator> byHash;
  private volatile long checkedAt;
  private volatile FileTime readModified;
  private volatile long readSize;

  private TokenFile(Path file, Clock clock, Map<String, Operator> byHash, FileTime modified, long size) {
    this.file = file;
    this.clock = clock;
    this.byHash = byHash;
    this.readModified = modified;
    this.readSize = size;
    this.checkedAt = clock.millis();
  }

  /**
   * Reads the file.
   *
   * @throws IllegalArgumentException naming the file, the line and the problem, or that it names no one
   */
  public static TokenFile load(Path file, Clock clock) {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      return new TokenFile(file, clock, parse(file, Files.readAllLines(file, StandardCharsets.UTF_8)), modified, size);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the API token file " + file + ": " + e.getMessage(), e);
    }
  }

  static Map<String, Operator> parse(Path file, List<String> lines) {
    Map<String, Operator> out = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      try {
        if (f.length != 3 || !f[2].matches("sha256:[0-9a-f]{64}")) {
          throw new IllegalArgumentException("must be: name role sha256:<64 hex digits of the token's SHA-256>");
        }
        Operator op = new Operator(f[0], Role.parse(f[1]));
        String hash = f[2].substring(7);
        if (out.putIfAbsent(hash, op) != null) {
          throw new IllegalArgumentException("the same token as " + out.get(hash).name());
        }
      } catch (IllegalArgumentException e) {
        problems.add("line " + (i + 1) + ": " + e.getMessage());
      }
    }
    for (String placeholder : PLACEHOLDERS) {
      Operator op = out.get(hash(placeholder));
      if (op != null) {
        problems.add(op.name() + "'s token is \"" + placeholder + "\", a placeholder anyone can guess");
      }
    }
    if (problems.isEmpty() && out.isEmpty()) {
      problems.add("it names no operator");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("API token file " + file + ": " + String.join("; ", problems));
    }
    return Map.copyOf(out);
  }

  /** The operator holding {@code token}, if any. */
  public Optional<Operator> authenticate(String token) {
    reloadIfChanged();
    return Optional.ofNullable(byHash.get(hash(token)));
  }

  /** How many operators the file in force names. */
  public int size() {
    return byHash.size();
  }

  private void reloadIfChanged() {
    long now = clock.millis();
    if (now - checkedAt < 1000) {
      return;
    }
    synchronized (this) {
      if (now - checkedAt < 1000) {
        return;
      }
      checkedAt = now;
      try {
        FileTime modified = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        if (modified.equals(readModified) && size == readSize) {
          return;
        }
        readModified = modified;
        readSize = size;
        byHash = parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
        LOG.info("API token file {} reloaded: {} operators", file, byHash.size());
      } catch (IOException | IllegalArgumentException e) {
        LOG.error("keeping the last good API tokens ({} operators): {}", byHash.size(), e.getMessage());
      }
    }
  }

  /** A new random token (32 bytes, URL-safe Base64): what {@code portcullis token new} hands out. */
  public static String newToken(java.security.SecureRandom random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The line of the file for {@code operator} holding {@code token}. */
  public static String line(Operator operator, String token) {
    return operator.name() + " " + operator.role() + " sha256:" + hash(token);
  }

  /** The hex SHA-256 of a token, as the file holds it. */
  public static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
