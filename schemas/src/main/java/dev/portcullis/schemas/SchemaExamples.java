package dev.portcullis.schemas;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/**
 * The golden examples of this module as a path, for the tests of every codec: they read the same
 * files whether the module is a folder (in the reactor) or a jar.
 */
public final class SchemaExamples {

  private SchemaExamples() {}

  /** The folder of all examples, one subfolder per message type. */
  public static Path root() {
    return of("");
  }

  /** The folder of examples of one message type, e.g. {@code access-event}. */
  public static Path of(String type) {
    String name = type.isEmpty() ? "/schemas/examples" : "/schemas/examples/" + type;
    URL url = SchemaExamples.class.getResource(name);
    if (url == null) {
      throw new IllegalStateException(name + " is not on the classpath (the schemas module)");
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
