package dev.portcullis.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a credential comes from: {@code file:/path} (the file's content, one trailing line break
 * removed) or {@code env:NAME} (an environment variable). A literal is refused, so that no password
 * sits in a config file beside its settings or on a command line that {@code ps} shows. Neither
 * {@link #toString()} nor an error message ever contains the value, only the reference.
 *
 * @param reference {@code file:/path} or {@code env:NAME}
 */
public record Secret(String reference) {

  public Secret {
    if (reference == null || !(reference.startsWith("file:") && reference.length() > 5
        || reference.startsWith("env:") && reference.length() > 4)) {
      throw new IllegalArgumentException("a credential must be given as file:/path or env:NAME, never as a literal"
          + " (it would show in config files, ps and logs)");
    }
  }

  /** The secret, or null when {@code reference} is null (no credential configured). */
  public static Secret ofNullable(String reference) {
    return reference == null ? null : new Secret(reference);
  }

  /** Reads the value from the process environment or the file system. */
  public String value() {
    return value(System::getenv);
  }

  /**
   * Reads the value, taking environment variables from {@code env}.
   *
   * @throws IllegalStateException naming the reference (never a value) when it is missing, unreadable or empty
   */
  public String value(Function<String, String> env) {
    String v;
    if (reference.startsWith("env:")) {
      v = env.apply(reference.substring(4));
      if (v == null) {
        throw new IllegalStateException("the credential " + reference + " is not set in the environment");
      }
    } else {
      Path file = Path.of(reference.substring(5));
      try {
        v = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException("the credential " + reference + " cannot be read: " + e.getClass().getSimpleName());
      }
      if (v.endsWith("\n")) {
        v = v.substring(0, v.length() - (v.endsWith("\r\n") ? 2 : 1));
      }
    }
    if (v.isEmpty()) {
      throw new IllegalStateException("the credential " + reference + " is empty");
    }
    return v;
  }

  /** The environment as a function, for tests that pass their own. */
  public static Function<String, String> environment(Map<String, String> env) {
    return env::get;
  }

  @Override
  public String toString() {
    return reference;
  }
}
