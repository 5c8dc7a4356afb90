package dev.portcullis.notifier;

import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.config.watch.ConfigWatcher;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.notifier.alert.WebhookAlerts;
import dev.portcullis.notifier.api.ApiErrors;
import dev.portcullis.notifier.api.AppResource;
import dev.portcullis.notifier.api.AuditResource;
import dev.portcullis.config.BlastRadius;
import dev.portcullis.notifier.api.OperatorAuthFilter;
import dev.portcullis.transport.KafkaConnection;
import dev.portcullis.notifier.change.TreeChanges;
import dev.portcullis.notifier.api.RequestLimits;
import dev.portcullis.notifier.operator.TokenFile;
import dev.portcullis.notifier.api.ChangeAudit;
import dev.portcullis.notifier.api.ConfigResource;
import dev.portcullis.notifier.api.DashboardResource;
import dev.portcullis.notifier.api.InterceptsResource;
import dev.portcullis.notifier.api.LeaderForwarding;
import dev.portcullis.notifier.intercept.AuditTrail;
import dev.portcullis.notifier.api.TrafficResource;
import dev.portcullis.notifier.escalation.RedisHistoryStore;
import dev.portcullis.notifier.health.DependencyHealthChecks;
import dev.portcullis.notifier.intercept.InterceptBook;
import dev.portcullis.notifier.intercept.KafkaNoticeSink;
import dev.portcullis.notifier.intercept.NoticeTopicReader;
import dev.portcullis.notifier.intercept.TopicView;
import dev.portcullis.notifier.intercept.NoticeSink;
import dev.portcullis.notifier.intercept.RedisQuotaReleases;
import dev.portcullis.notifier.leader.NotifierService;
import dev.portcullis.notifier.scan.RuleScanner;
import dev.portcullis.notifier.scan.RedisWindowReader;
import dev.portcullis.notifier.scan.WindowReader;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The notifier as a Dropwizard application: wiring only. Run with
 * {@code portcullis notifier config/notifier.yml}.
 */
public final class NotifierApplication extends Application<NotifierConfiguration> {

  private static final Logger LOG = LoggerFactory.getLogger(NotifierApplication.class);

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

  /**
   * Wiring only. The configuration builds the parts; every part that connects or runs a thread
   * starts in a {@link Managed} (in the order registered here, before the API serves, and stops in
   * reverse). The one exception is Redis: a cluster client learns the slot map when it is built.
   */
  @Override
  public void run(NotifierConfiguration c, Environment env) {
    env.lifecycle().addServerLifecycleListener(jetty::set);
    Clock clock = Clock.systemUTC();
    TokenFile tokens = c.api.buildTokens(clock); // before anything connects: no API without its operators
    KafkaConnection kafka = c.kafka.buildConnection(); // once: it may read a properties file
    BlastRadius guard = c.api.buildGuard();
    ZkAccess access = c.zooKeeper.buildAccess();
    ZkPaths paths = c.zooKeeper.buildPaths();
    CuratorFramework curator = access.newClient();
    env.lifecycle().manage(managed(curator::start, curator::close));
    ConfigCodec codec = new ConfigCodec();
    ConfigStore store = new ConfigStore(curator, paths, codec, access);
    env.lifecycle().manage(managed(() -> ensureLayout(store, access), () -> { }));
    ConfigWatcher watcher = new ConfigWatcher(curator, paths, codec, null, clock);
    env.lifecycle().manage(managed(watcher::start, watcher::close));

    UnifiedJedis redis = c.redis.buildEndpoints().connect();
    env.lifecycle().manage(managed(() -> { }, redis::close));
    RedisKeys keys = c.redis.buildKeys();
    WindowReader reader = new RedisWindowReader(redis, keys);

    env.lifecycle().manage(managed(
        () -> NotifierTopics.ensure(kafka, c.kafka.noticesTopic, c.kafka.auditTopic), () -> { }));
    KafkaNoticeSink sink = new KafkaNoticeSink(kafka, c.kafka.noticesTopic, c.kafka.auditTopic,
        () -> service.get() != null && service.get().isLeader());
    env.lifecycle().manage(managed(() -> { }, sink::close));
    NoticeSink decisions = sink;
    WebhookAlerts alerts = c.alerts.buildAlerts(sink);
    if (alerts != null) {
      env.lifecycle().manage(managed(alerts::start, alerts::close));
      env.metrics().gauge("portcullis.notifier.alerts.dropped", () -> alerts::dropped);
      env.metrics().gauge("portcullis.notifier.alerts.failed", () -> alerts::failed);
      decisions = alerts;
    }
    InterceptBook book = new InterceptBook(clock, decisions, new RedisHistoryStore(redis, keys),
        new RedisQuotaReleases(redis, keys), c.scan.buildValve(), () -> UUID.randomUUID().toString());
    ChangeAudit changes = new ChangeAudit(sink::auditChangeNow, clock);
    String id = c.id != null ? c.id : "notifier-" + UUID.randomUUID().toString().substring(0, 8);
    NotifierService s = new NotifierService(c.scan.buildServiceSettings(id, paths.notifierLeader(), kafka, c.kafka.noticesTopic,
        AdvertisedUrl.of(c)),
        curator, watcher, store, c.scan.buildScanner(reader), book, changes, clock);
    service.set(s);
    env.lifecycle().manage(managed(s::start, s::close));

    env.jersey().register(new OperatorAuthFilter(tokens, c.api.readsNeedToken));
    env.jersey().register(new RequestLimits());
    env.jersey().register(new ApiErrors.BadInput());
    env.jersey().register(new ApiErrors.MalformedJson());
    env.jersey().register(new ApiErrors.Conflict());
    env.jersey().register(new ApiErrors.StoreDown());
    env.jersey().register(new ApiErrors.AuditDown());
    env.jersey().register(new ApiErrors.TooWide());
    env.jersey().register(new TrafficResource(store, curator, reader));
    TopicView standbyView = new TopicView(() -> NoticeTopicReader.readAll(kafka, c.kafka.noticesTopic,
        java.time.Duration.ofSeconds(5)), clock, java.time.Duration.ofSeconds(2));
    env.jersey().register(new InterceptsResource(book, s, clock, guard, standbyView,
        new LeaderForwarding(s, id, java.time.Duration.ofSeconds(10))));
    env.jersey().register(new ConfigResource(store, codec, clock, changes, guard, watcher::current));
    env.jersey().register(new AppResource(store, codec, reader, changes, clock, watcher::current));
    watcher.addListener(new TreeChanges(sink::auditChange, () -> service.get() != null && service.get().isLeader(), clock));
    env.jersey().register(new dev.portcullis.notifier.api.LimitsResource(store, codec, changes));
    env.jersey().register(new dev.portcullis.notifier.api.NodesResource(store, curator, reader, clock));
    env.jersey().register(new dev.portcullis.notifier.api.QuotaResource(reader, watcher::current, clock));
    env.jersey().register(new dev.portcullis.notifier.api.HistoryResource(reader, () -> {
      java.util.TreeSet<String> all = new java.util.TreeSet<>(watcher.current().apps().keySet());
      all.addAll(store.apps());
      return java.util.List.copyOf(all);
    }, clock));
    env.jersey().register(new AuditResource(new AuditTrail(() -> AuditTrail.readTail(kafka, c.kafka.auditTopic,
        java.time.Duration.ofSeconds(5)), sink::auditTail, clock, java.time.Duration.ofSeconds(2))));
    env.jersey().register(new DashboardResource());

    DependencyHealthChecks.Kafka kafkaHealth = new DependencyHealthChecks.Kafka(kafka);
    env.lifecycle().manage(managed(() -> { }, kafkaHealth::close));
    env.healthChecks().register("kafka", kafkaHealth);
    env.healthChecks().register("redis", new DependencyHealthChecks.Redis(redis));
    env.healthChecks().register("zookeeper", new DependencyHealthChecks.ZooKeeper(curator));
    env.healthChecks().register("leadership", new DependencyHealthChecks.Leadership(s));
    env.metrics().gauge("portcullis.notifier.scans", () -> s::scans);
    env.metrics().gauge("portcullis.notifier.breaches", () -> s::breaches);
    env.metrics().gauge("portcullis.notifier.judgeFailures", () -> s::judgeFailures);
    env.metrics().gauge("portcullis.notifier.lastScanMicros", () -> s::lastScanMicros);
    env.metrics().gauge("portcullis.notifier.activeIntercepts", () -> () -> book.active().size());
    env.admin().addServlet("prometheus", new io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet(
        dev.portcullis.notifier.health.NotifierPrometheus.registry(s, book, alerts == null ? null : alerts::dropped,
            alerts == null ? null : alerts::failed))).addMapping("/prometheus");
  }

  /** The layout's empty folders, so that hand-written documents (zkCli) find their parents; best effort. */
  private static void ensureLayout(ConfigStore store, ZkAccess access) {
    if (!access.canWrite()) {
      return;
    }
    try {
      store.ensureLayout();
      if (access.znodeAcl() == ZkAccess.ZnodeAcl.ADMIN_WRITES && !store.worldWritableFolders().isEmpty()) {
        LOG.error("zooKeeper.acl is on but anyone may change {} (created open, e.g. by a CLI without credentials):"
            + " set their ACLs (zkCli setAcl, README \"Securing a deployment\")", store.worldWritableFolders());
      }
    } catch (RuntimeException e) {
      LOG.warn("could not create the empty folders of the rules tree (they appear with the first entry): {}", e.toString());
    }
  }

  /** An action of a part's lifecycle. */
  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private static Managed managed(Step start, Step stop) {
    return new Managed() {
      @Override
      public void start() throws Exception {
        start.run();
      }

      @Override
      public void stop() throws Exception {
        stop.run();
      }
    };
  }
}
