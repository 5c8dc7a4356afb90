package dev.portcullis.benchmarks;

import dev.portcullis.address.IpAddress;
import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.AggregatorWorker;
import dev.portcullis.aggregator.TopicAdmin;
import dev.portcullis.client.emit.AccessPartitioner;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.RedisProcess;
import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Aggregator throughput: pre-loads {@code records} coalesced access records (100,000 distinct IPs,
 * Zipf-skewed, about 1 s of event time per 200,000 records) into a real broker, then starts one
 * worker (one stream thread unless told otherwise) against a real Redis and measures how fast it consumes them, the
 * requests they stand for, Redis commands per record and flush latency.
 *
 * <p>Run: {@code java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * dev.portcullis.benchmarks.AggregatorLoadHarness [records] [ROCKSDB|IN_MEMORY] [streamThreads] [callerShare]
 * [distinct] [skewed|uniform|zipf|v6] [storeMemoryMb] [partitions]}
 * (callerShare: the fraction of records that carry a caller, whose daily quota counts take a second
 * pass through the rekeyed topic; 0 by default. distinct: how many addresses, 100,000 by default;
 * skewed: the default half-normal mix over them; uniform: each record from a uniformly drawn one of
 * {@code distinct} IPv4 addresses of 10.0.0.0/8 (so of many /24s and /16s); zipf: ranks of a Zipf
 * distribution (s = 1) over {@code distinct} addresses of 10.0.0.0/8, the ranks scattered over it (the
 * heaviest addresses are not neighbours); v6: uniformly drawn fresh IPv6 addresses of one /48, every /64
 * of it in use (an attacker's rotation); storeMemoryMb: RocksDB's shared memory, the worker's default if absent;
 * partitions: of {@code acl.access}, 4 by default, each a task of the one worker)
 */
public final class AggregatorLoadHarness {

  private AggregatorLoadHarness() {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    AggregatorSettings.StoreType type = args.length > 1 ? AggregatorSettings.StoreType.valueOf(args[1])
        : AggregatorSettings.StoreType.ROCKSDB;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    double callers = args.length > 3 ? Double.parseDouble(args[3]) : 0;
    int distinct = args.length > 4 ? Integer.parseInt(args[4]) : 100_000;
    String mix = args.length > 5 ? args[5] : "skewed";
    int storeMemoryMb = args.length > 6 ? Integer.parseInt(args[6]) : AggregatorSettings.DEFAULT_STORE_MEMORY_MB;
    int partitions = args.length > 7 ? Integer.parseInt(args[7]) : 4;
    try (KRaftBroker kafka = KRaftBroker.start(); RedisProcess redis = RedisProcess.startStandalone()) {
      Path state = Files.createTempDirectory("agg-state");
      AggregatorSettings s = AggregatorSettings.defaults(kafka.bootstrapServers(),
          RedisEndpoints.of("127.0.0.1:" + redis.port(), false), Files.createTempDirectory("agg-bench"))
          .withTopics("acl.access", "acl.access.dlq", partitions).withStore(type, state)
          .withAdminPort(-1).withStreamThreads(threads).withStoreMemoryMb(storeMemoryMb);
      TopicAdmin.ensure(kafka.bootstrapServers(), List.of(TopicAdmin.access("acl.access", partitions, (short) 1)));
      long requests = produce(kafka.bootstrapServers(), records, callers, distinct, mix);
      System.out.printf("pre-loaded %d records standing for %d requests (%s over %d addresses)%n", records, requests,
          mix, distinct);
      CpuAccount cpu = new CpuAccount(CpuAccount.childPid("redis-server"));
      try (AggregatorWorker w = new AggregatorWorker(s)) {
        long t0 = System.nanoTime();
        w.start();
        long first = 0;
        long atFirst = 0;
        Map<CpuAccount.Group, Double> cpuAtFirst = null;
        long half = 0;
        long atHalf = 0;
        Map<CpuAccount.Group, Double> cpuAtHalf = null;
        Map<String, Double> threadsAtHalf = null;
        while (w.metrics().records() < records) {
          if (first == 0 && w.metrics().records() > 0) {
            first = System.nanoTime();
            atFirst = w.metrics().records();
            cpuAtFirst = cpu.snapshot();
          }
          if (half == 0 && w.metrics().records() >= records / 2) {
            half = System.nanoTime();
            atHalf = w.metrics().records();
            cpuAtHalf = cpu.snapshot();
            threadsAtHalf = cpu.byThreadName();
          }
          Thread.sleep(10);
        }
        long end = System.nanoTime();
        Map<CpuAccount.Group, Double> atEnd = cpu.snapshot();
        double secs = (end - t0) / 1e9;
        double steady = (end - first) / 1e9;
        Thread.sleep(1000);
        System.out.printf("store %s, %d stream thread(s): %d records in %.1f s (incl. start-up and rebalance): %.0f records/s, %.0f requests/s%n",
            type, threads, records, secs, records / secs, w.metrics().requests() / secs);
        System.out.printf("  from the first processed record on (%.1f s after start): %.0f records/s, %.0f requests/s%n",
            (first - t0) / 1e9, (records - atFirst) / steady, w.metrics().requests() * ((double) (records - atFirst) / records) / steady);
        System.out.printf("redis commands %d = %.3f per record; window writes %d; flushes %d; flush latency p50 %d us p99 %d us%n",
            w.metrics().redisCommands(), (double) w.metrics().redisCommands() / records, w.metrics().windowWrites(),
            w.metrics().flushes(), w.metrics().flushLatencyPercentile(50), w.metrics().flushLatencyPercentile(99));
        System.out.printf("sweep: %d entries examined in %d passes; the longest call held a stream thread %d ms%n",
            w.metrics().sweptEntries(), w.metrics().sweepPasses(), w.metrics().longestSweepMicros() / 1000);
        System.out.printf("prefixes counted where their records arrived %d; records sent to their home partition %d%n",
            w.metrics().prefixesCountedLocally(), w.metrics().recordsSentHome());
        System.out.printf("state on disk at the end: %d MB (RocksDB memory %d MB)%n", bytesUnder(state) >> 20, storeMemoryMb);
        System.gc(); // the worker still open: its caches are live
        System.out.printf("heap after a full GC at the end, the worker's caches and the broker: %d MB (%d partitions)%n",
            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20, partitions);
        printCpu("from the first processed record on", CpuAccount.since(cpuAtFirst, atEnd), records - atFirst,
            (end - first) / 1e9);
        printCpu("the second half of the records (the JIT's warm-up mostly done)", CpuAccount.since(cpuAtHalf, atEnd),
            records - atHalf, (end - half) / 1e9);
        System.out.println("  the aggregator's threads in the second half, by name (the first 15 characters), core-seconds:");
        CpuAccount.since(threadsAtHalf, cpu.byThreadName()).entrySet().stream()
            .filter(e -> CpuAccount.groupOf(e.getKey()) == CpuAccount.Group.AGGREGATOR && e.getValue() >= 0.05)
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .forEach(e -> System.out.printf("    %-16s %6.1f%n", e.getKey(), e.getValue()));
      }
    }
  }

  /**
   * The CPU each part used over a stretch of the run ({@code when}: {@code counted} records in {@code seconds}),
   * and what the aggregator's own threads used per record: the bound on a worker with the cores to itself (not
   * measured here, where the broker and Redis share them), before the JVM's compilers and collector, which
   * this JVM shares with the broker.
   */
  private static void printCpu(String when, Map<CpuAccount.Group, Double> used, long counted, double seconds) {
    double all = used.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf("CPU %s: %d records in %.1f s of wall time, %.0f records/s (%.1f core-seconds on %d cores):%n",
        when, counted, seconds, counted / seconds, seconds * Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().availableProcessors());
    used.forEach((g, cs) -> System.out.printf("  %-16s %7.1f core-seconds (%4.1f %%), %6.2f us per record%n",
        g, cs, 100 * cs / all, cs * 1e6 / counted));
    double own = used.get(CpuAccount.Group.AGGREGATOR);
    double withJvm = own + used.get(CpuAccount.Group.JIT) + used.get(CpuAccount.Group.GC);
    System.out.printf("  the aggregator's threads: %.0f records per core-second (%.0f with all of the JVM's compilers"
        + " and collector charged to it)%n", counted / own, counted / withJvm);
  }

  private static long bytesUnder(Path dir) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  static long produce(String bootstrap, int records, double callers, int distinct, String mix) {
    WireCodec codec = new WireCodec();
    SplittableRandom rnd = new SplittableRandom(1);
    long requests = 0;
    long base = System.currentTimeMillis();
    ZipfRanks zipf = mix.equals("zipf") ? new ZipfRanks(distinct, 1.0) : null;
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.PARTITIONER_CLASS_CONFIG, AccessPartitioner.class),
        new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < records; i++) {
        IpAddress ip = switch (mix) {
          case "uniform" -> IpAddress.ofV4(0x0A000000 + rnd.nextInt(distinct));
          // an odd multiplier is a bijection of the 24 low bits: distinct ranks stay distinct addresses
          case "zipf" -> IpAddress.ofV4(0x0A000000 | (zipf.rank(rnd.nextDouble()) * 0x9E3779B1 & 0xFFFFFF));
          case "v6" -> IpAddress.parse(String.format("2001:db8:7:%x:%x:%x:%x:%x", rnd.nextInt(65_536),
              rnd.nextInt(65_536), rnd.nextInt(65_536), rnd.nextInt(65_536), rnd.nextInt(65_536)));
          default -> IpAddress.ofV4(0x64400000 + (int) Math.min(distinct - 1, Math.abs(rnd.nextGaussian()) * distinct / 5.0));
        };
        long n = 1 + rnd.nextInt(40);
        long ts = base + i / 200;
        String caller = rnd.nextDouble() < callers ? "partner-" + rnd.nextInt(50) : null;
        AccessEvent e = new AccessEvent("shop", "GET /items", ip, caller, ts, n, 0, "gen:1");
        p.send(new ProducerRecord<>("acl.access", KafkaKeys.access("shop", ip), codec.write(e)));
        requests += n;
      }
    }
    return requests;
  }
}
