package dev.portcullis.notifier.health;

import dev.portcullis.transport.KafkaConnection;
import com.codahale.metrics.health.HealthCheck;
import dev.portcullis.notifier.leader.NotifierService;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import redis.clients.jedis.UnifiedJedis;

/** One health check per dependency, and one that reports leadership. */
public final class DependencyHealthChecks {

  private DependencyHealthChecks() {}

  /** Kafka answers a metadata request within 3 s. */
  public static final class Kafka extends HealthCheck implements AutoCloseable {
    private final Admin admin;

    public Kafka(KafkaConnection kafka) {
      Map<String, Object> configs = kafka.configs();
      configs.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
      configs.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
      this.admin = Admin.create(configs);
    }

    @Override
    protected Result check() throws Exception {
      int nodes = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
      return Result.healthy(nodes + " broker(s)");
    }

    @Override
    public void close() {
      admin.close();
    }
  }

  /** Redis answers PING. */
  public static final class Redis extends HealthCheck {
    private final UnifiedJedis redis;

    public Redis(UnifiedJedis redis) {
      this.redis = redis;
    }

    @Override
    protected Result check() {
      String pong = redis.ping();
      return "PONG".equals(pong) ? Result.healthy() : Result.unhealthy("PING answered " + pong);
    }
  }

  /** The ZooKeeper session is connected. */
  public static final class ZooKeeper extends HealthCheck {
    private final CuratorFramework curator;

    public ZooKeeper(CuratorFramework curator) {
      this.curator = curator;
    }

    @Override
    protected Result check() {
      return curator.getZookeeperClient().isConnected() ? Result.healthy()
          : Result.unhealthy("not connected to " + curator.getZookeeperClient().getCurrentConnectionString());
    }
  }

  /** Healthy as leader or as standby; says which. */
  public static final class Leadership extends HealthCheck {
    private final NotifierService service;

    public Leadership(NotifierService service) {
      this.service = service;
    }

    @Override
    protected Result check() {
      if (!service.isLeader()) {
        return Result.healthy("standby " + service.id() + "; leader is " + service.leaderId());
      }
      String reason = service.notServingReason();
      return reason == null ? Result.healthy("leader " + service.id() + ", " + service.scans() + " scans")
          : Result.unhealthy("leader " + service.id() + " not serving: " + reason);
    }
  }
}
