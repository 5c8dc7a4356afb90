package dev.portcullis.gate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.address.Cidr;
import dev.portcullis.client.http.ForwardingHeader;
import dev.portcullis.keys.Identifiers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a gate runs with, read from its YAML file ({@code config/gate.yml}); immutable.
 *
 * @param app              the app whose rules the gate applies (the proxy's upstream)
 * @param node             this gate's node name in the app's live nodes
 * @param kafka            bootstrap servers, or null to decide without reporting (nothing is counted)
 * @param kafkaProperties  a Kafka client properties file (TLS, SASL), or null
 * @param zooKeeper        connect string, or null to decide from the snapshot file alone
 * @param snapshotFile     where the client keeps its last rules, or null
 * @param host             the address it listens on (loopback by default: the proxy runs beside it)
 * @param trustedProxies   the only callers it answers, and the hops it skips in the forwarding header
 * @param forwardingHeader the header the proxy writes the client address into
 * @param callerHeader     the header carrying the caller id for quotas, or null
 * @param rateLimitHeaders add the IETF draft's {@code RateLimit} header to limited answers
 */
public record GateSettings(String app, String node, String kafka, Path kafkaProperties, String zooKeeper, Path snapshotFile,
    String host, int port, List<Cidr> trustedProxies, ForwardingHeader forwardingHeader, String callerHeader,
    boolean rateLimitHeaders, int threads) {

  public GateSettings {
    Identifiers.requireApp("app", app);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0-65535, was " + port);
    }
    if (threads < 1 || threads > 1024) {
      throw new IllegalArgumentException("threads must be 1-1024, was " + threads);
    }
    if (trustedProxies.isEmpty()) {
      throw new IllegalArgumentException("trustedProxies must name the proxies that call the gate (e.g. 127.0.0.1/32)");
    }
    trustedProxies = List.copyOf(trustedProxies);
  }

  /** The file's settings, or an IllegalArgumentException naming the file, the setting and the problem. */
  public static GateSettings load(Path file) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try {
      return yaml.readValue(Files.readAllBytes(file), Yaml.class).settings();
    } catch (JsonMappingException e) {
      String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining("."));
      throw new IllegalArgumentException(file + ": " + (path.isEmpty() ? "" : path + ": ") + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The file's shape. */
  static final class Yaml {
    @JsonProperty public String app;
    @JsonProperty public String node;
    @JsonProperty public Kafka kafka = new Kafka();
    @JsonProperty public ZooKeeper zooKeeper = new ZooKeeper();
    @JsonProperty public String snapshotFile;
    @JsonProperty public Listen listen = new Listen();
    @JsonProperty public List<String> trustedProxies = List.of("127.0.0.1/32", "::1/128");
    @JsonProperty public ForwardingHeader forwardingHeader = ForwardingHeader.X_FORWARDED_FOR;
    @JsonProperty public String callerHeader;
    @JsonProperty public boolean rateLimitHeaders;
    @JsonProperty public int threads = 16;

    static final class Kafka {
      @JsonProperty public String bootstrapServers;
      @JsonProperty public String propertiesFile;
    }

    static final class ZooKeeper {
      @JsonProperty public String connect;
    }

    static final class Listen {
      @JsonProperty public String host = "127.0.0.1";
      @JsonProperty public int port = 8181;
    }

    GateSettings settings() {
      if (app == null) {
        throw new IllegalArgumentException("app is required (the app whose rules the gate applies)");
      }
      List<Cidr> proxies = new ArrayList<>();
      for (String p : trustedProxies) {
        try {
          proxies.add(Cidr.parse(p));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("trustedProxies: " + e.getMessage(), e);
        }
      }
      return new GateSettings(app, node != null ? node : "gate-" + listen.port, kafka.bootstrapServers,
          kafka.propertiesFile == null ? null : Path.of(kafka.propertiesFile), zooKeeper.connect,
          snapshotFile == null ? null : Path.of(snapshotFile), listen.host, listen.port, proxies, forwardingHeader,
          callerHeader, rateLimitHeaders, threads);
    }
  }
}
