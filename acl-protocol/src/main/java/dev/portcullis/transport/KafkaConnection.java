package dev.portcullis.transport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a component reaches Kafka: the bootstrap servers and the standard Kafka client properties of
 * the connection (security protocol, SASL, TLS, config providers), applied to every producer,
 * consumer, admin client and Streams instance the component makes. Only connection settings are
 * accepted: a property that would change what a component does (serializers, acks, groups,
 * transactions) is refused, naming it. Secrets in properties are written with Kafka's own config
 * providers ({@code config.providers=file,env} and {@code ${env:NAME}} or
 * {@code ${file:/path:key}}), so they never sit in a Portcullis config file. {@link #toString()}
 * shows the keys and the values of non-secret keys only.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param properties       connection properties, e.g. {@code security.protocol=SASL_SSL}
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> properties) {

  /** Property names (or their prefixes, ending in '.') a connection may set. */
  static final List<String> CONNECTION_KEYS = List.of("security.protocol", "sasl.", "ssl.", "config.providers.",
      "client.dns.lookup", "socket.connection.setup.timeout.", "reconnect.backoff.", "retry.backoff.",
      "connections.max.idle.ms", "send.buffer.bytes", "receive.buffer.bytes", "metadata.recovery.strategy");

  public KafkaConnection {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka bootstrapServers must not be empty");
    }
    properties = Map.copyOf(properties == null ? Map.of() : properties);
    for (Map.Entry<String, String> e : properties.entrySet()) {
      String key = e.getKey();
      if (!isConnectionKey(key)) {
        throw new IllegalArgumentException("kafka property " + key + " is not a connection setting (allowed: "
            + String.join(", ", CONNECTION_KEYS) + "*); Portcullis sets the others itself");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("kafka property " + key + " has no value");
      }
    }
  }

  /**
   * The properties in a Java properties file, as {@code kafka-console-consumer}'s
   * {@code --consumer.config} reads them.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read
   */
  public static Map<String, String> readProperties(java.nio.file.Path file) {
    return PropertiesFile.read(file, "Kafka");
  }

  /** A plaintext connection. */
  public static KafkaConnection plaintext(String bootstrapServers) {
    return new KafkaConnection(bootstrapServers, Map.of());
  }

  static boolean isConnectionKey(String key) {
    if (key.equals("config.providers")) {
      return true;
    }
    for (String k : CONNECTION_KEYS) {
      if (k.endsWith(".") ? key.startsWith(k) : key.equals(k)) {
        return true;
      }
    }
    return false;
  }

  /** {@code bootstrap.servers} and the connection properties, to which a component adds its own settings. */
  public Map<String, Object> configs() {
    Map<String, Object> c = new LinkedHashMap<>(properties);
    c.put("bootstrap.servers", bootstrapServers);
    return c;
  }

  /** The same connection to other servers. */
  public KafkaConnection withBootstrapServers(String servers) {
    return new KafkaConnection(servers, properties);
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.endsWith(".key")
        || k.contains("keystore.key") || k.contains("token");
  }

  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    properties.forEach((k, v) -> shown.put(k, isSecret(k) ? "****" : v));
    return "KafkaConnection[bootstrapServers=" + bootstrapServers + ", properties=" + shown + "]";
  }
}
