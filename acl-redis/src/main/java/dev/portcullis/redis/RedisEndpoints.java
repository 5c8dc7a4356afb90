package dev.portcullis.redis;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * Where Redis is: one standalone server, or the seed nodes of a Redis Cluster. Both are used through
 * {@link UnifiedJedis}, whose pipelines group commands per node in cluster mode.
 *
 * @param nodes   {@code host:port}, one or more
 * @param cluster true for Redis Cluster
 * @param security AUTH and TLS, {@link RedisSecurity#NONE} for neither
 */
public record RedisEndpoints(List<String> nodes, boolean cluster, int timeoutMillis, RedisSecurity security) {

  public RedisEndpoints {
    if (nodes == null || nodes.isEmpty()) {
      throw new IllegalArgumentException("redis nodes must list at least one host:port");
    }
    nodes = List.copyOf(nodes);
    for (String n : nodes) {
      parse(n);
    }
    if (!cluster && nodes.size() != 1) {
      throw new IllegalArgumentException("a standalone Redis has exactly one node, got " + nodes);
    }
    if (timeoutMillis < 10) {
      throw new IllegalArgumentException("redis timeoutMillis must be >= 10, was " + timeoutMillis);
    }
    if (security == null) {
      throw new IllegalArgumentException("redis security must not be null (RedisSecurity.NONE for none)");
    }
  }

  /** Without AUTH or TLS. */
  public RedisEndpoints(List<String> nodes, boolean cluster, int timeoutMillis) {
    this(nodes, cluster, timeoutMillis, RedisSecurity.NONE);
  }

  /** The same servers reached with {@code s}. */
  public RedisEndpoints withSecurity(RedisSecurity s) {
    return new RedisEndpoints(nodes, cluster, timeoutMillis, s);
  }

  /** {@code host:port[,host:port...]}. */
  public static RedisEndpoints of(String spec, boolean cluster) {
    return new RedisEndpoints(List.of(spec.split(",")), cluster, 2000);
  }

  static HostAndPort parse(String node) {
    String s = node.trim();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("redis node must be host:port, was \"" + node + "\"");
    }
    try {
      int port = Integer.parseInt(s.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return new HostAndPort(s.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("redis node port must be 1-65535, was \"" + node + "\"");
    }
  }

  /** How often a cluster client reads the slot map again. */
  static final java.time.Duration TOPOLOGY_REFRESH = java.time.Duration.ofSeconds(2);

  /** A new client; the caller owns and closes it. Connecting is lazy for standalone, eager for cluster. */
  public UnifiedJedis connect() {
    DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(timeoutMillis).socketTimeoutMillis(timeoutMillis);
    security.applyTo(b);
    JedisClientConfig config = b.build();
    if (cluster) {
      Set<HostAndPort> seeds = new LinkedHashSet<>();
      nodes.forEach(n -> seeds.add(parse(n)));
      // the slot map is read again every 2 s: a pipeline does not renew it when a master dies, and
      // would keep writing to the dead node after its replica took over (RedisFailoverIT)
      redis.clients.jedis.providers.ClusterConnectionProvider provider = new redis.clients.jedis.providers.ClusterConnectionProvider(
          seeds, config, new org.apache.commons.pool2.impl.GenericObjectPoolConfig<>(), TOPOLOGY_REFRESH);
      return new FollowedCluster(provider, java.time.Duration.ofMillis(Math.max(2_000L, 5L * timeoutMillis)));
    }
    return new JedisPooled(parse(nodes.get(0)), config);
  }

  /**
   * The nodes that take writes for {@code redis} (a client of {@link #connect()}), as it last read the
   * cluster's slot map (every 2 s; looked at once a second), sorted and joined: a change means slots
   * moved to other masters (a failover). Empty for a standalone server, whose only node never changes.
   */
  public static String primariesOf(UnifiedJedis redis) {
    return redis instanceof FollowedCluster c ? c.primaries() : "";
  }

  /** A cluster client that can tell which masters its slot map names. */
  private static final class FollowedCluster extends JedisCluster {

    private final redis.clients.jedis.providers.ClusterConnectionProvider provider;

    FollowedCluster(redis.clients.jedis.providers.ClusterConnectionProvider provider, java.time.Duration retries) {
      super(provider, 5, retries);
      this.provider = provider;
    }

    private volatile String primaries;
    private volatile long readAt;

    /** The masters the slot map names, read from it at most once a second (16,384 slots). */
    String primaries() {
      long now = System.nanoTime();
      String p = primaries;
      if (p == null || now - readAt > 1_000_000_000L) {
        java.util.Set<String> nodes = new java.util.TreeSet<>();
        for (int slot = 0; slot < 16_384; slot++) {
          redis.clients.jedis.HostAndPort node = provider.getNode(slot);
          nodes.add(node == null ? "unserved" : node.toString());
        }
        p = String.join(",", nodes);
        primaries = p;
        readAt = now;
      }
      return p;
    }
  }

  @Override
  public String toString() {
    String shown = (cluster ? "cluster " : "") + String.join(",", nodes);
    if (security.tls()) {
      shown += " (TLS)";
    }
    return security.user() != null ? security.user() + "@" + shown : shown;
  }
}
