package dev.portcullis.transport;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Reads a Java properties file (Kafka's {@code --consumer.config}, ZooKeeper's client config) into a map. */
public final class PropertiesFile {

  private PropertiesFile() {}

  /**
   * @param what what the file configures, for the message
   * @throws IllegalArgumentException naming the file and {@code what} when it cannot be read
   */
  public static Map<String, String> read(Path file, String what) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " properties " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }
}
