package dev.portcullis.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.json.DocumentReader;
import dev.portcullis.json.Problems;
import dev.portcullis.redis.RedisEndpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * Reads the aggregator's YAML config strictly: unknown keys and bad values are all reported
 * together, naming the file and the field.
 *
 * <pre>
 * kafka:
 *   bootstrapServers: 127.0.0.1:9092
 *   applicationId: portcullis-aggregator   # workers with the same id share the partitions
 *   accessTopic: acl.access
 *   dlqTopic: acl.access.dlq
 *   partitions: 12
 * redis:
 *   nodes: [127.0.0.1:7000, 127.0.0.1:7001, 127.0.0.1:7002]
 *   cluster: true
 * windows:
 *   shards: 64
 *   flushInterval: PT0.25S
 *   secondWindows: 4
 *   minuteWindows: 3
 *   ipv4Prefix: 24
 *   ipv6Prefix: 64
 *   quotaZone: UTC
 * store:
 *   type: ROCKSDB          # or IN_MEMORY
 *   stateDir: /var/lib/portcullis/aggregator
 *   commitInterval: PT3S   # one transaction (and changelog write per changed key) per interval
 * streamThreads: 1
 * exactlyOnce: true
 * adminPort: 8091          # on 127.0.0.1; -1 for none
 * </pre>
 */
public final class AggregatorConfigFile {

  private AggregatorConfigFile() {}

  public static AggregatorSettings read(Path file) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read aggregator config " + file + ": " + e.getMessage(), e);
    }
    Problems problems = new Problems(file.toString());
    DocumentReader r = new DocumentReader(root, "", problems);
    AggregatorSettings d = AggregatorSettings.defaults("x:1", RedisEndpoints.of("x:1", false), Path.of("."));
    String[] kafka = new String[4];
    Long[] partitions = new Long[1];
    r.object("kafka", true, k -> {
      kafka[0] = k.string("bootstrapServers", true, 1000, null, null);
      kafka[1] = k.string("applicationId", false, 200, null, null);
      kafka[2] = k.string("accessTopic", false, 249, null, null);
      kafka[3] = k.string("dlqTopic", false, 249, null, null);
      partitions[0] = k.integer("partitions", false, 1, 1000);
      return null;
    });
    RedisEndpoints[] redis = new RedisEndpoints[1];
    r.object("redis", true, k -> {
      List<String> nodes = k.list("nodes", true, 100, (n, at, pr) -> {
        if (!n.isTextual()) {
          pr.add(at + " must be host:port");
          return null;
        }
        return n.textValue();
      });
      Boolean cluster = k.bool("cluster", false);
      if (nodes != null && !nodes.isEmpty()) {
        try {
          redis[0] = new RedisEndpoints(nodes, cluster != null && cluster, 2000);
        } catch (IllegalArgumentException e) {
          problems.add("redis: " + e.getMessage());
        }
      }
      return null;
    });
    Object[] w = new Object[7];
    r.object("windows", false, k -> {
      w[0] = k.integer("shards", false, 1, 16384);
      w[1] = k.duration("flushInterval", false, Duration.ofMillis(10));
      w[2] = k.integer("secondWindows", false, 2, 60);
      w[3] = k.integer("minuteWindows", false, 2, 60);
      w[4] = k.integer("ipv4Prefix", false, 8, 32);
      w[5] = k.integer("ipv6Prefix", false, 16, 128);
      String zone = k.string("quotaZone", false, 64, null, null);
      if (zone != null) {
        try {
          w[6] = ZoneId.of(zone);
        } catch (RuntimeException e) {
          problems.add("windows.quotaZone must be a time zone id, was \"" + zone + "\"");
        }
      }
      return null;
    });
    Object[] st = new Object[3];
    r.object("store", false, k -> {
      st[0] = k.enumValue("type", false, AggregatorSettings.StoreType.class);
      String dir = k.string("stateDir", false, 4096, null, null);
      st[1] = dir == null ? null : Path.of(dir);
      st[2] = k.duration("commitInterval", false, Duration.ofMillis(100));
      return null;
    });
    Long threads = r.integer("streamThreads", false, 1, 64);
    Boolean eos = r.bool("exactlyOnce", false);
    Long adminPort = r.integer("adminPort", false, -1, 65535);
    r.finish();
    problems.throwIfAny();
    try {
      return new AggregatorSettings(kafka[0], or(kafka[1], d.applicationId()), or(kafka[2], d.accessTopic()),
          or(kafka[3], d.dlqTopic()), partitions[0] == null ? d.partitions() : partitions[0].intValue(), redis[0],
          w[0] == null ? d.shards() : ((Long) w[0]).intValue(), (Duration) or(w[1], d.flushInterval()),
          (Duration) or(st[2], d.commitInterval()),
          w[2] == null ? d.secondWindows() : ((Long) w[2]).intValue(),
          w[3] == null ? d.minuteWindows() : ((Long) w[3]).intValue(),
          w[4] == null ? d.ipv4Prefix() : ((Long) w[4]).intValue(), w[5] == null ? d.ipv6Prefix() : ((Long) w[5]).intValue(),
          (ZoneId) or(w[6], d.quotaZone()), (AggregatorSettings.StoreType) or(st[0], d.storeType()),
          (Path) or(st[1], Path.of(System.getProperty("java.io.tmpdir"), "portcullis-aggregator")),
          threads == null ? 1 : threads.intValue(), eos == null || eos, adminPort == null ? 8091 : adminPort.intValue());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid aggregator config " + file + ": " + e.getMessage(), e);
    }
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
