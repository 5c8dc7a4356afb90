package dev.portcullis.wire;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/** The golden examples of {@code schemas/} (the schemas module, on the test classpath) as a path. */
final class SchemaExamples {

  private SchemaExamples() {}

  /** The folder of examples of one message type, e.g. {@code access-event}. */
  static Path of(String type) {
    URL url = SchemaExamples.class.getResource("/schemas/examples/" + type);
    if (url == null) {
      throw new IllegalStateException("schemas/examples/" + type + " is not on the test classpath");
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        try {
          FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException alreadyOpen) {
          // opened by an earlier call
        }
      }
      return Path.of(uri);
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot open " + url, e);
    }
  }
}
