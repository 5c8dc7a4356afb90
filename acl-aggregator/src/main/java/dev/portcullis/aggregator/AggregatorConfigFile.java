package dev.portcullis.aggregator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.json.Problems;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.redis.RedisSecurity;
import dev.portcullis.transport.KafkaConnection;
import dev.portcullis.transport.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Reads the aggregator's YAML config: Jackson binds it to the records below, then one pass checks
 * every value, and all problems (unknown keys included) are reported together, naming the file and
 * the field. Settings left out take {@link AggregatorSettings#defaults}'s values.
 *
 * <pre>
 * kafka:
 *   bootstrapServers: 127.0.0.1:9092
 *   applicationId: portcullis-aggregator   # workers with the same id share the partitions
 *   accessTopic: acl.access
 *   dlqTopic: acl.access.dlq
 *   partitions: 12
 *   sessionTimeout: PT10S  # a crashed worker's partitions go to the others after this (6 s to 30 min)
 *   properties:            # connection settings for every Kafka client of the worker (optional)
 *     security.protocol: SASL_SSL
 *     sasl.mechanism: SCRAM-SHA-512
 *     sasl.jaas.config: ${env:PORTCULLIS_KAFKA_JAAS}   # resolved by Kafka's config providers
 *     config.providers: env
 *     config.providers.env.class: org.apache.kafka.common.config.provider.EnvVarConfigProvider
 *   propertiesFile: /etc/portcullis/kafka.properties   # or these, from a Java properties file
 * redis:
 *   nodes: [127.0.0.1:7000, 127.0.0.1:7001, 127.0.0.1:7002]
 *   cluster: true
 *   user: aggregator                              # a Redis ACL user (optional)
 *   password: file:/etc/portcullis/redis-password # file:/path or env:NAME, never a literal
 *   tls: true
 *   caFile: /etc/portcullis/ca.pem                # PEM; the JDK's trust store if absent
 *   keyStore: /etc/portcullis/aggregator.p12      # client certificate (PKCS12), if the server asks for one
 *   keyStorePassword: env:PORTCULLIS_KEYSTORE_PASSWORD
 * windows:
 *   shards: 64
 *   flushInterval: PT0.25S
 *   secondWindows: 4
 *   minuteWindows: 3
 *   ipv4Prefixes: [24, 16]        # prefix lengths counted beside each address (ipv4Prefix: 24 = [24])
 *   ipv6Prefixes: [64, 56, 48]
 *   quotaZone: UTC
 * store:
 *   type: ROCKSDB          # or IN_MEMORY
 *   stateDir: /var/lib/portcullis/aggregator
 *   commitInterval: PT3S   # one transaction (and changelog write per changed key) per interval
 *   memoryMb: 256          # RocksDB's block cache and memtables, shared by every store of the worker
 * streamThreads: 1
 * exactlyOnce: true
 * adminPort: 8091          # -1 for none
 * adminHost: 127.0.0.1     # where it listens (0.0.0.0 only on a private network, e.g. compose's)
 * </pre>
 */
public final class AggregatorConfigFile {

  /** The file as written; absent settings are null. */
  record Document(Kafka kafka, Redis redis, Windows windows, Store store, Integer streamThreads, Boolean exactlyOnce,
      Integer adminPort, String adminHost) {}

  record Kafka(String bootstrapServers, String applicationId, String accessTopic, String dlqTopic, Integer partitions,
      String sessionTimeout, Map<String, String> properties, String propertiesFile) {}

  record Redis(List<String> nodes, Boolean cluster, String user, String password, Boolean tls, String caFile,
      String keyStore, String keyStorePassword) {}

  record Windows(Integer shards, String flushInterval, Integer secondWindows, Integer minuteWindows, Integer ipv4Prefix,
      Integer ipv6Prefix, List<Integer> ipv4Prefixes, List<Integer> ipv6Prefixes, String quotaZone) {}

  record Store(String type, String stateDir, String commitInterval, Integer memoryMb) {}

  private AggregatorConfigFile() {}

  /**
   * @throws IllegalArgumentException naming the file and every problem: unknown keys, values out of
   *     range or of the wrong kind, missing sections
   */
  public static AggregatorSettings read(Path file) {
    Problems problems = new Problems(file.toString());
    Document doc;
    try {
      YAMLMapper yaml = new YAMLMapper();
      yaml.addHandler(new UnknownKeys(problems));
      doc = yaml.readValue(Files.readAllBytes(file), Document.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read aggregator config " + file + ": " + e.getMessage(), e);
    }
    if (doc == null) {
      doc = new Document(null, null, null, null, null, null, null, null);
    }
    AggregatorSettings settings = new Checks(problems).settings(doc);
    problems.throwIfAny();
    return settings;
  }

  /** Records an unknown key as a problem (with its dotted path) and skips its value. */
  private static final class UnknownKeys extends DeserializationProblemHandler {
    private final Problems problems;

    UnknownKeys(Problems problems) {
      this.problems = problems;
    }

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
        Object beanOrClass, String name) throws IOException {
      StringBuilder path = new StringBuilder(name);
      for (JsonStreamContext c = p.getParsingContext().getParent(); c != null; c = c.getParent()) {
        if (c.getCurrentName() != null) {
          path.insert(0, c.getCurrentName() + ".");
        }
      }
      problems.add(path + " is not a known field");
      p.skipChildren();
      return true;
    }
  }

  /** The one pass over a bound document: each value checked, every problem added, defaults filled in. */
  private static final class Checks {
    private final Problems problems;
    private final AggregatorSettings d = AggregatorSettings.defaults("x:1", RedisEndpoints.of("x:1", false), Path.of("."));

    Checks(Problems problems) {
      this.problems = problems;
    }

    AggregatorSettings settings(Document doc) {
      Kafka k = doc.kafka() != null ? doc.kafka() : required("kafka", new Kafka(null, null, null, null, null, null, null, null));
      Redis r = doc.redis() != null ? doc.redis() : required("redis", new Redis(null, null, null, null, null, null, null, null));
      Windows w = doc.windows() != null ? doc.windows() : new Windows(null, null, null, null, null, null, null, null, null);
      Store s = doc.store() != null ? doc.store() : new Store(null, null, null, null);
      String bootstrap = k.bootstrapServers() != null ? k.bootstrapServers()
          : required("kafka.bootstrapServers", "x:1");
      int partitions = range("kafka.partitions", k.partitions(), 1, 1000, d.partitions());
      KafkaConnection kafka = kafka(bootstrap, k);
      Duration session = duration("kafka.sessionTimeout", k.sessionTimeout(), Duration.ofSeconds(6), d.sessionTimeout());
      if (session.compareTo(Duration.ofMinutes(30)) > 0) {
        problems.add("kafka.sessionTimeout must be at most PT30M, was " + k.sessionTimeout());
      }
      RedisEndpoints redis = redis(r);
      int shards = range("windows.shards", w.shards(), 1, 16384, d.shards());
      Duration flush = duration("windows.flushInterval", w.flushInterval(), Duration.ofMillis(10), d.flushInterval());
      int seconds = range("windows.secondWindows", w.secondWindows(), 2, 60, d.secondWindows());
      int minutes = range("windows.minuteWindows", w.minuteWindows(), 2, 60, d.minuteWindows());
      List<Integer> v4 = lengths("windows.ipv4", w.ipv4Prefix(), w.ipv4Prefixes(), 8, 32, d.prefixes().ipv4());
      List<Integer> v6 = lengths("windows.ipv6", w.ipv6Prefix(), w.ipv6Prefixes(), 16, 128, d.prefixes().ipv6());
      ZoneId zone = zone(w.quotaZone());
      AggregatorSettings.StoreType type = storeType(s.type());
      Duration commit = duration("store.commitInterval", s.commitInterval(), Duration.ofMillis(100), d.commitInterval());
      Path stateDir = s.stateDir() != null ? Path.of(s.stateDir())
          : Path.of(System.getProperty("java.io.tmpdir"), "portcullis-aggregator");
      int memoryMb = range("store.memoryMb", s.memoryMb(), 16, 1 << 20, d.storeMemoryMb());
      int threads = range("streamThreads", doc.streamThreads(), 1, 64, 1);
      int adminPort = range("adminPort", doc.adminPort(), -1, 65535, 8091);
      if (!problems.isEmpty()) {
        return null;
      }
      try {
        return new AggregatorSettings(kafka, or(k.applicationId(), d.applicationId()), or(k.accessTopic(), d.accessTopic()),
            or(k.dlqTopic(), d.dlqTopic()), partitions, redis, shards, flush, commit, seconds, minutes, new PrefixLengths(v4, v6), zone, type,
            stateDir, threads, doc.exactlyOnce() == null || doc.exactlyOnce(), adminPort,
            doc.adminHost() == null ? "127.0.0.1" : doc.adminHost(), memoryMb, session);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        return null;
      }
    }

    private <T> T required(String field, T placeholder) {
      problems.add(field + " is required");
      return placeholder;
    }

    /** {@code <family>Prefixes}, or the one length of the older {@code <family>Prefix}, or the default. */
    private List<Integer> lengths(String field, Integer one, List<Integer> many, int min, int max, List<Integer> fallback) {
      if (one != null && many != null) {
        problems.add(field + "Prefix and " + field.substring(field.indexOf('.') + 1) + "Prefixes are both set: keep "
            + field.substring(field.indexOf('.') + 1) + "Prefixes");
        return fallback;
      }
      if (one != null) {
        return List.of(range(field + "Prefix", one, min, max, one));
      }
      if (many == null) {
        return fallback;
      }
      if (many.size() > 4) {
        problems.add(field + "Prefixes must list at most 4 lengths, was " + many.size());
        return fallback;
      }
      for (int i = 0; i < many.size(); i++) {
        Integer l = many.get(i);
        if (l == null || many.subList(0, i).contains(l)) {
          problems.add(field + "Prefixes[" + i + "] must be a length not listed before, was " + l);
        } else {
          range(field + "Prefixes[" + i + "]", l, min, max, l);
        }
      }
      return many.stream().filter(java.util.Objects::nonNull).distinct().toList();
    }

    private int range(String field, Integer value, int min, int max, int fallback) {
      if (value == null) {
        return fallback;
      }
      if (value < min || value > max) {
        problems.add(field + (value < min ? " must be >= " + min : " must be <= " + max) + ", was " + value);
      }
      return value;
    }

    private Duration duration(String field, String value, Duration min, Duration fallback) {
      if (value == null) {
        return fallback;
      }
      try {
        Duration parsed = Duration.parse(value);
        if (parsed.compareTo(min) < 0) {
          problems.add(field + " must be at least " + min + ", was " + value);
        }
        return parsed;
      } catch (DateTimeParseException e) {
        problems.add(field + " must be an ISO-8601 duration such as PT0.25S or PT3S, was \"" + value + "\"");
        return fallback;
      }
    }

    private RedisEndpoints redis(Redis r) {
      if (r.nodes() == null || r.nodes().isEmpty()) {
        problems.add("redis.nodes must list at least one host:port");
        return null;
      }
      try {
        RedisSecurity security = new RedisSecurity(r.user(), Secret.ofNullable(r.password()), r.tls() != null && r.tls(),
            r.caFile() == null ? null : Path.of(r.caFile()), r.keyStore() == null ? null : Path.of(r.keyStore()),
            Secret.ofNullable(r.keyStorePassword()));
        return new RedisEndpoints(r.nodes(), r.cluster() != null && r.cluster(), 2000, security);
      } catch (IllegalArgumentException e) {
        problems.add("redis: " + e.getMessage());
        return null;
      }
    }

    private KafkaConnection kafka(String bootstrap, Kafka k) {
      Map<String, String> properties = new LinkedHashMap<>();
      try {
        if (k.propertiesFile() != null) {
          properties.putAll(KafkaConnection.readProperties(Path.of(k.propertiesFile())));
        }
        if (k.properties() != null) {
          properties.putAll(k.properties());
        }
        return new KafkaConnection(bootstrap, properties);
      } catch (IllegalArgumentException e) {
        problems.add("kafka: " + e.getMessage());
        return null;
      }
    }

    private ZoneId zone(String id) {
      if (id == null) {
        return d.quotaZone();
      }
      try {
        return ZoneId.of(id);
      } catch (RuntimeException e) {
        problems.add("windows.quotaZone must be a time zone id, was \"" + id + "\"");
        return d.quotaZone();
      }
    }

    private AggregatorSettings.StoreType storeType(String type) {
      if (type == null) {
        return d.storeType();
      }
      try {
        return AggregatorSettings.StoreType.valueOf(type.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add("store.type must be ROCKSDB or IN_MEMORY, was \"" + type + "\"");
        return d.storeType();
      }
    }

    private static <T> T or(T value, T fallback) {
      return value == null ? fallback : value;
    }
  }
}
