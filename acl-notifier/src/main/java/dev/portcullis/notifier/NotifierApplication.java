package dev.portcullis.notifier;

import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.config.watch.ConfigWatcher;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.notifier.api.ApiErrors;
import dev.portcullis.notifier.api.AuditResource;
import dev.portcullis.notifier.api.BearerAuthFilter;
import dev.portcullis.notifier.api.ChangeAudit;
import dev.portcullis.notifier.api.ConfigResource;
import dev.portcullis.notifier.api.DashboardResource;
import dev.portcullis.notifier.api.InterceptsResource;
import dev.portcullis.notifier.api.TrafficResource;
import dev.portcullis.notifier.escalation.RedisHistoryStore;
import dev.portcullis.notifier.health.DependencyHealthChecks;
import dev.portcullis.notifier.intercept.InterceptBook;
import dev.portcullis.notifier.intercept.KafkaNoticeSink;
import dev.portcullis.notifier.intercept.SafetyValve;
import dev.portcullis.notifier.leader.NotifierService;
import dev.portcullis.notifier.scan.RuleScanner;
import dev.portcullis.notifier.scan.WindowReader;
import dev.portcullis.redis.RedisEndpoints;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import redis.clients.jedis.UnifiedJedis;

/**
 * The notifier as a Dropwizard application: wiring only. Run with
 * {@code portcullis notifier config/notifier.yml}.
 */
public final class NotifierApplication extends Application<NotifierConfiguration> {

  private final AtomicReference<NotifierService> service = new AtomicReference<>();
  private final AtomicReference<org.eclipse.jetty.server.Server> jetty = new AtomicReference<>();

  public static void main(String[] args) throws Exception {
    new NotifierApplication().run(args);
  }

  @Override
  public void initialize(io.dropwizard.core.setup.Bootstrap<NotifierConfiguration> bootstrap) {
    // a typo in the config is an error, not a silently ignored setting
    bootstrap.getObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  @Override
  public String getName() {
    return "portcullis-notifier";
  }

  /** The running service, once {@link #run} has wired it; for tests and the demo. */
  public NotifierService service() {
    return service.get();
  }

  /** Stops the HTTP server and everything managed by it, when run in-process (demo, tests). */
  public void stop() throws Exception {
    org.eclipse.jetty.server.Server s = jetty.get();
    if (s != null) {
      s.stop();
    }
  }

  @Override
  public void run(NotifierConfiguration c, Environment env) {
    env.lifecycle().addServerLifecycleListener(jetty::set);
    Clock clock = Clock.systemUTC();
    ZkAccess access = new ZkAccess(c.zooKeeper.connect, c.zooKeeper.acl ? ZkAccess.ZnodeAcl.ADMIN_WRITES : ZkAccess.ZnodeAcl.OPEN,
        c.zooKeeper.credentials, java.time.Duration.ofMillis(c.zooKeeper.sessionTimeout.toMilliseconds()));
    CuratorFramework curator = access.newClient();
    curator.start();
    env.lifecycle().manage(closing(curator));
    ZkPaths paths = new ZkPaths(c.zooKeeper.root);
    ConfigCodec codec = new ConfigCodec();
    ConfigStore store = new ConfigStore(curator, paths, codec, access);
    ConfigWatcher watcher = new ConfigWatcher(curator, paths, codec, null, clock);
    watcher.start();
    env.lifecycle().manage(closing(watcher));

    UnifiedJedis redis = new RedisEndpoints(c.redis.nodes, c.redis.cluster, 2000).connect();
    env.lifecycle().manage(closing(redis));
    RedisKeys keys = new RedisKeys(c.redis.shards);
    WindowReader reader = new WindowReader(redis, keys);

    NotifierTopics.ensure(c.kafka.bootstrapServers, c.kafka.noticesTopic, c.kafka.auditTopic);
    KafkaNoticeSink sink = new KafkaNoticeSink(c.kafka.bootstrapServers, c.kafka.noticesTopic, c.kafka.auditTopic,
        () -> service.get() != null && service.get().isLeader());
    env.lifecycle().manage(closing(sink));
    dev.portcullis.notifier.intercept.NoticeSink decisions = sink;
    if (c.alerts.webhookUrl != null) {
      dev.portcullis.notifier.alert.WebhookAlerts alerts = new dev.portcullis.notifier.alert.WebhookAlerts(sink,
          java.net.URI.create(c.alerts.webhookUrl), c.alerts.queueCapacity, c.alerts.attempts,
          java.time.Duration.ofMillis(500));
      env.lifecycle().manage(new Managed() {
        @Override
        public void start() {
          alerts.start();
        }

        @Override
        public void stop() {
          alerts.close();
        }
      });
      env.metrics().gauge("portcullis.notifier.alerts.dropped", () -> alerts::dropped);
      env.metrics().gauge("portcullis.notifier.alerts.failed", () -> alerts::failed);
      decisions = alerts;
    }
    InterceptBook book = new InterceptBook(clock, decisions, new RedisHistoryStore(redis, keys),
        new dev.portcullis.notifier.intercept.RedisQuotaReleases(redis, keys),
        new SafetyValve(c.scan.maxNewInterceptsPerMinute, c.scan.minPrefixV4, c.scan.minPrefixV6),
        () -> UUID.randomUUID().toString());
    ChangeAudit changes = new ChangeAudit(sink::auditChange, clock);
    String id = c.id != null ? c.id : "notifier-" + UUID.randomUUID().toString().substring(0, 8);
    NotifierService s = new NotifierService(new NotifierService.Settings(id, paths.notifierLeader(),
        c.kafka.bootstrapServers, c.kafka.noticesTopic, c.scan.interval.toJavaDuration(),
        c.scan.janitorInterval.toJavaDuration(), c.scan.reassertInterval.toJavaDuration()),
        curator, watcher, store, new RuleScanner(reader, c.scan.prefixLimitPerSecond, c.scan.prefixLimitPerMinute), book,
        changes, clock);
    service.set(s);
    env.lifecycle().manage(new Managed() {
      @Override
      public void start() {
        s.start();
      }

      @Override
      public void stop() {
        s.close();
      }
    });

    env.jersey().register(new BearerAuthFilter(c.api.token, c.api.protectReads));
    env.jersey().register(new ApiErrors.BadInput());
    env.jersey().register(new ApiErrors.Conflict());
    env.jersey().register(new ApiErrors.StoreDown());
    env.jersey().register(new TrafficResource(store, curator, reader));
    env.jersey().register(new InterceptsResource(book, s));
    env.jersey().register(new ConfigResource(store, codec, clock, changes));
    env.jersey().register(new dev.portcullis.notifier.api.AppResource(store, codec, reader, changes));
    env.jersey().register(new AuditResource(sink));
    env.jersey().register(new DashboardResource());

    DependencyHealthChecks.Kafka kafkaHealth = new DependencyHealthChecks.Kafka(c.kafka.bootstrapServers);
    env.lifecycle().manage(closing(kafkaHealth));
    env.healthChecks().register("kafka", kafkaHealth);
    env.healthChecks().register("redis", new DependencyHealthChecks.Redis(redis));
    env.healthChecks().register("zookeeper", new DependencyHealthChecks.ZooKeeper(curator));
    env.healthChecks().register("leadership", new DependencyHealthChecks.Leadership(s));
    env.metrics().gauge("portcullis.notifier.scans", () -> s::scans);
    env.metrics().gauge("portcullis.notifier.breaches", () -> s::breaches);
    env.metrics().gauge("portcullis.notifier.lastScanMicros", () -> s::lastScanMicros);
    env.metrics().gauge("portcullis.notifier.activeIntercepts", () -> () -> book.active().size());
  }

  private static Managed closing(AutoCloseable c) {
    return new Managed() {
      @Override
      public void stop() throws Exception {
        c.close();
      }
    };
  }
}
