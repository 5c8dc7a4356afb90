package dev.portcullis.aggregator;

import dev.portcullis.aggregator.admin.AdminServer;
import dev.portcullis.aggregator.flush.RedisWindowSink;
import dev.portcullis.aggregator.flush.WindowSink;
import dev.portcullis.aggregator.store.BoundedRocksDbConfig;
import dev.portcullis.aggregator.store.RocksDbMemory;
import dev.portcullis.aggregator.topology.AggregatorMetrics;
import dev.portcullis.aggregator.topology.AggregatorTopology;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.DoubleStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One aggregator worker: ensures the topics, runs the Kafka Streams topology against Redis, and
 * serves health and metrics. Run more workers with the same application id and Kafka spreads the
 * partitions over them. Lifecycle LATENT → STARTED → CLOSED; {@link #close()} is idempotent.
 */
public final class AggregatorWorker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AggregatorWorker.class);
  /** Changelog records a warm-up replica may lag and still take its task (Kafka Streams' default: 10,000). */
  static final long ACCEPTABLE_RECOVERY_LAG = 250_000L;

  private enum State { LATENT, STARTED, CLOSED }

  private final AggregatorSettings settings;
  private final AggregatorMetrics metrics = new AggregatorMetrics();
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private WindowSink sink;
  private RocksDbMemory storeMemory;
  private KafkaStreams streams;
  private AdminServer admin;

  public AggregatorWorker(AggregatorSettings settings) {
    this.settings = settings;
  }

  /**
   * The Kafka Streams configuration: exactly-once v2, commit every flush interval, state in stateDir;
   * RocksDB stores share {@code storeMemory} (null for the in-memory store).
   */
  static Properties streamsConfig(AggregatorSettings s, RocksDbMemory storeMemory) {
    Properties p = new Properties();
    if (storeMemory != null) {
      p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
      p.put(RocksDbMemory.CONFIG, storeMemory);
    }
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
    p.putAll(s.kafka().configs());
    p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.streamThreads());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 0); // WriteBackStore assumes no standby restores under it
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, s.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitInterval().toMillis());
    // Kafka Streams' transactions time out after 10 s by default and it refuses a longer commit interval
    // (which the settings allow up to 60 s): a transaction lives as long as the interval, and a slow commit more
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        (int) Math.max(10_000, s.commitInterval().toMillis() + 10_000));
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    // counting does not depend on the order of the two input topics (acl.access and the rekeyed
    // topic), so a task never waits for the other's data; that path of Kafka Streams also formats a
    // log string per poll of an empty partition whatever the log level (10 % of the stream threads'
    // samples at 1M distinct addresses)
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    // a worker that crashed (or lost the brokers) keeps its partitions, uncounted, until its session
    // expires: Kafka's 45 s by default; heartbeats at a third of it, Kafka's ratio
    long session = s.sessionTimeout().toMillis();
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) session);
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), (int) Math.min(3_000, session / 3));
    // a worker that comes back (or is added) while another holds its tasks' state gets them as warm-up
    // replicas first, and they move to it only at a probing rebalance: every minute (Kafka Streams' least)
    // instead of every 10, so a restarted worker shares the load again within a minute or two of catching up
    p.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 60_000L);
    // ... and only once the warm-up replica is "caught up": within this many changelog records of the end. Kafka
    // Streams' 10,000 is about what one commit writes here under load (a changelog record for every entry changed
    // since the last: some 9,000 a task at the 10-minute soak's rate, by estimate), so a warm-up was never caught up
    // at a probe and a restarted worker got no task back for as long as the load lasted (BENCHMARKS.md §15). The
    // active task restores what remains before it counts.
    p.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, ACCEPTABLE_RECOVERY_LAG);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 5000);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), 64 * 1024);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 50);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
    return p;
  }

  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("a worker can be started once; it is " + state.get());
    }
    try {
      int accessPartitions = TopicAdmin.ensure(settings.kafka(), List.of(
          TopicAdmin.access(settings.accessTopic(), settings.partitions(), (short) -1),
          TopicAdmin.deadLetters(settings.dlqTopic(), (short) -1))).get(settings.accessTopic());
      // as many partitions as acl.access: a prefix's forwarded counts meet its local ones in one task
      TopicAdmin.ensure(settings.kafka(), List.of(
          TopicAdmin.repartition(AggregatorTopology.rekeyedTopic(settings), accessPartitions, (short) -1)));
      sink = new RedisWindowSink(settings.redis());
      if (settings.storeType() == AggregatorSettings.StoreType.ROCKSDB) {
        storeMemory = new RocksDbMemory((long) settings.storeMemoryMb() << 20);
      }
      streams = new KafkaStreams(AggregatorTopology.build(settings, accessPartitions, sink, metrics),
          streamsConfig(settings, storeMemory));
      streams.setUncaughtExceptionHandler(e -> {
        LOG.error("stream thread failed; replacing it", e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      streams.start();
      if (settings.adminPort() >= 0) {
        admin = new AdminServer(settings.adminHost(), settings.adminPort(), this::health, this::metricsView,
            dev.portcullis.aggregator.admin.AggregatorPrometheus.registry(metrics, this::consumerLag, this::storeMemoryBytes,
                this::storeEntries));
        admin.start();
      }
      LOG.info("aggregator {} started: {} -> Redis {}", settings.applicationId(), settings.accessTopic(), settings.redis());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The largest {@code records-lag-max} of this worker's consumers (Kafka's own fetch metric); 0 when unknown. */
  double consumerLag() {
    return streamsMetric("consumer-fetch-manager-metrics", "records-lag-max").max().orElse(0);
  }

  /** Bytes held in the RocksDB memory the worker's stores share; 0 with the in-memory store or once closed. */
  long storeMemoryBytes() {
    RocksDbMemory m = storeMemory;
    return m == null ? 0 : m.usage();
  }

  /** The keys in the worker's RocksDB stores, summed from Kafka Streams' {@code estimate-num-keys}; 0 when unknown. */
  long storeEntries() {
    return (long) streamsMetric("stream-state-metrics", "estimate-num-keys").sum();
  }

  /** The values of one of Kafka Streams' metrics (every client, thread, task or store that has it), NaN left out. */
  private DoubleStream streamsMetric(String group, String name) {
    KafkaStreams s = streams;
    if (s == null) {
      return DoubleStream.empty();
    }
    return s.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals(group))
        .map(e -> e.getValue().metricValue())
        .filter(v -> v instanceof Number n && !Double.isNaN(n.doubleValue()))
        .mapToDouble(v -> ((Number) v).doubleValue());
  }

  public AggregatorMetrics metrics() {
    return metrics;
  }

  public KafkaStreams.State streamsState() {
    return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
  }

  /** The admin port actually bound, or -1. */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }

  /** Health per dependency: true = ok. */
  public Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    KafkaStreams.State s = streamsState();
    h.put("kafkaStreams", Map.of("healthy", s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING,
        "state", s.name()));
    h.put("redis", Map.of("healthy", metrics.redisHealthy(), "lastError", metrics.lastRedisError()));
    return h;
  }

  Map<String, Object> metricsView() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("records", metrics.records());
    m.put("requests", metrics.requests());
    m.put("deadLettered", metrics.deadLettered());
    m.put("lateRecords", metrics.lateRecords());
    m.put("lateWindows", metrics.lateWindows());
    m.put("lateWindowsByKind", metrics.lateWindowsByKind());
    m.put("flushes", metrics.flushes());
    m.put("flushFailures", metrics.flushFailures());
    m.put("redisCommands", metrics.redisCommands());
    m.put("windowWrites", metrics.windowWrites());
    m.put("prefixesCountedLocally", metrics.prefixesCountedLocally());
    m.put("recordsSentHome", metrics.recordsSentHome());
    m.put("storeRewrites", metrics.storeRewrites());
    m.put("overwrittenLost", metrics.overwrittenLost());
    m.put("overwrittenLostMinutes", metrics.overwrittenLostMinutes());
    m.put("pendingEntries", metrics.pendingEntries());
    m.put("flushLatencyP50Micros", metrics.flushLatencyPercentile(50));
    m.put("flushLatencyP99Micros", metrics.flushLatencyPercentile(99));
    m.put("storeMemoryBytes", storeMemoryBytes());
    m.put("storeEntries", storeEntries());
    return m;
  }

  /**
   * Stops processing (committing what was processed), leaves the group so that the other workers take its
   * partitions at once, closes Redis and the admin endpoint. Idempotent.
   */
  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    if (admin != null) {
      admin.close();
    }
    boolean storesClosed = true;
    if (streams != null) {
      try {
        // leaving the group hands this worker's partitions to the others at once; Kafka Streams' default
        // (with the classic protocol) stays in the group until the session times out, its partitions uncounted
        storesClosed = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
      } catch (RuntimeException e) {
        storesClosed = false;
        LOG.warn("closing Kafka Streams failed", e);
      }
    }
    if (storeMemory != null) {
      if (storesClosed) {
        storeMemory.close();
      } else {
        // a store still open reads the cache: freeing it under the store would crash the process
        LOG.warn("Kafka Streams did not close within 30 s; its RocksDB memory ({}) is left to the process's end", storeMemory);
      }
    }
    if (sink != null) {
      try {
        sink.close();
      } catch (RuntimeException e) {
        LOG.warn("closing Redis failed", e);
      }
    }
  }
}
