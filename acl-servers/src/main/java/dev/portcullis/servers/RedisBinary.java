package dev.portcullis.servers;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Finds a real {@code redis-server}: the one named by {@code PORTCULLIS_REDIS_SERVER}, else the
 * first on the PATH, else the binary that {@code com.github.codemonstur:embedded-redis} ships inside
 * its jar (Redis 6.2), copied to a private file and made executable. A machine with only a JDK
 * therefore has one.
 */
public final class RedisBinary {

  private RedisBinary() {}

  /** Where the binary is; extracts the embedded one on first use. Thread-safe. */
  public static synchronized Path locate() {
    String configured = System.getenv("PORTCULLIS_REDIS_SERVER");
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException("PORTCULLIS_REDIS_SERVER=" + configured + " is not an executable file");
      }
      return p;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, "redis-server");
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return extractEmbedded();
  }

  private static Path extracted;

  private static Path extractEmbedded() {
    if (extracted != null && Files.isExecutable(extracted)) {
      return extracted;
    }
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String resource;
    if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
      resource = "/redis-server-6.2.6-v5-linux-amd64";
    } else if (os.contains("linux") && (arch.equals("aarch64") || arch.equals("arm64"))) {
      resource = "/redis-server-6.2.7-linux-arm64";
    } else if (os.contains("mac") && arch.equals("aarch64")) {
      resource = "/redis-server-6.2.6-v5-darwin-arm64";
    } else if (os.contains("mac")) {
      resource = "/redis-server-6.2.6-v5-darwin-amd64";
    } else {
      throw new IllegalStateException("no redis-server on the PATH and no embedded binary for " + os + "/" + arch
          + "; install Redis or set PORTCULLIS_REDIS_SERVER");
    }
    try (InputStream in = RedisBinary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no redis-server on the PATH and the embedded-redis jar (resource "
            + resource + ") is not on the classpath");
      }
      Path dir = Files.createTempDirectory("portcullis-redis-bin");
      Path bin = dir.resolve("redis-server");
      Files.copy(in, bin, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwx------"));
      // deleted in the reverse order of registration: the file, then its (then empty) folder
      dir.toFile().deleteOnExit();
      bin.toFile().deleteOnExit();
      extracted = bin;
      return bin;
    } catch (IOException e) {
      throw new IllegalStateException("could not extract the embedded redis-server: " + e, e);
    }
  }
}
