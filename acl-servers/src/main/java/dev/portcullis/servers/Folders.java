package dev.portcullis.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The servers' private folders: made in the temporary directory, removed with everything in them. */
public final class Folders {

  private Folders() {}

  /**
   * Deletes {@code dir} and everything below it; nothing happens if it does not exist.
   *
   * @throws UncheckedIOException naming the folder if it cannot be walked
   */
  public static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
