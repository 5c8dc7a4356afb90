package dev.portcullis.aggregator.it;

import dev.portcullis.address.IpAddress;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.WireCodec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * Generates coalesced access records and remembers what Redis must end up holding: address and
 * prefix windows (/24 and /64, and the wide /16, /56 and /48), and the daily quota totals of the callers.
 */
final class Traffic implements AutoCloseable {

  private final String app;
  private final String topic;
  private final KafkaProducer<String, byte[]> producer;
  private final WireCodec codec = new WireCodec();
  private final RedisKeys keys = new RedisKeys(64);
  private final SplittableRandom rnd;
  final Map<String, Map<String, Long>> expected = new HashMap<>();
  long records;
  private int partitions;

  Traffic(String bootstrap, String topic, String app, long seed) {
    this.app = app;
    this.topic = topic;
    this.rnd = new SplittableRandom(seed);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private int partitions() {
    if (partitions == 0) {
      partitions = producer.partitionsFor(topic).size();
    }
    return partitions;
  }

  /** Sends {@code count} records over {@code ips} addresses around {@code baseMillis}. */
  void send(int count, int ips, long baseMillis) {
    for (int i = 0; i < count; i++) {
      int k = rnd.nextInt(ips);
      IpAddress ip = k % 7 == 0 ? IpAddress.ofV6(0x20010db800000000L, k) : IpAddress.ofV4(0xC6336400 + k);
      long ts = baseMillis + rnd.nextInt(3000);
      long n = 1 + rnd.nextInt(50);
      // half the records carry one of 5 callers, who call from many addresses (so from many partitions)
      String caller = rnd.nextBoolean() ? "partner-" + rnd.nextInt(5) : null;
      AccessEvent e = new AccessEvent(app, "GET /items", ip, caller, ts, n, rnd.nextInt((int) n + 1), "gen:1");
      // clients send with the Portcullis partitioner; some other producer with Kafka's default one:
      // a /24 gets records on its home partition and elsewhere, each address always the same way
      Integer partition = k % 3 == 0 ? null : KafkaKeys.accessPartition(app, ip, partitions());
      producer.send(new ProducerRecord<>(topic, partition, KafkaKeys.access(app, ip), codec.write(e)));
      int shard = keys.shard(ip);
      expected.computeIfAbsent(keys.secondWindow(app, shard, ts / 1000), x -> new HashMap<>())
          .merge(ip.toString(), n, Long::sum);
      expected.computeIfAbsent(keys.minuteWindow(app, shard, ts / 60_000), x -> new HashMap<>())
          .merge(ip.toString(), n, Long::sum);
      String prefix = dev.portcullis.address.Cidr.covering(ip, ip.isV4() ? 24 : 64).toString();
      expected.computeIfAbsent(keys.prefixSecondWindow(app, keys.shard(prefix), ts / 1000), x -> new HashMap<>())
          .merge(prefix, n, Long::sum);
      // the wide prefixes (summed from each task's held shares through the rekeyed topic), second and minute
      for (int length : ip.isV4() ? new int[] {16} : new int[] {56, 48}) {
        String wide = dev.portcullis.address.Cidr.covering(ip, length).toString();
        expected.computeIfAbsent(keys.prefixSecondWindow(app, keys.shard(wide), ts / 1000), x -> new HashMap<>())
            .merge(wide, n, Long::sum);
        expected.computeIfAbsent(keys.prefixMinuteWindow(app, keys.shard(wide), ts / 60_000), x -> new HashMap<>())
            .merge(wide, n, Long::sum);
      }
      if (caller != null) {
        String member = RedisKeys.quotaMember(caller, "GET /items");
        LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(ts), ZoneOffset.UTC);
        expected.computeIfAbsent(keys.quotaDay(app, keys.shard(member), RedisKeys.yyyymmdd(day)), x -> new HashMap<>())
            .merge(member, n, Long::sum);
        long hour = (ts - day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()) / 3_600_000L;
        String hourMember = member + "|" + (hour < 10 ? "0" + hour : Long.toString(hour));
        expected.computeIfAbsent(keys.quotaHours(app, keys.shard(hourMember), RedisKeys.yyyymmdd(day)), x -> new HashMap<>())
            .merge(hourMember, n, Long::sum);
      }
      records++;
    }
    producer.flush();
  }

  /**
   * Null if Redis holds exactly the expected counts, else the first difference. Reads every expected
   * key once (one ZRANGE each, never stopping early), so that polling until it is null spreads its own
   * commands over the masters as the keys are spread, and does not skew the per-master command counts.
   */
  String differenceIn(UnifiedJedis redis) {
    String first = null;
    for (Map.Entry<String, Map<String, Long>> key : expected.entrySet()) {
      Map<String, Double> actual = new HashMap<>();
      for (Tuple t : redis.zrangeWithScores(key.getKey(), 0, -1)) {
        actual.put(t.getElement(), t.getScore());
      }
      for (Map.Entry<String, Long> m : key.getValue().entrySet()) {
        Double a = actual.get(m.getKey());
        if (first == null && (a == null || a.longValue() != m.getValue())) {
          first = key.getKey() + " " + m.getKey() + ": expected " + m.getValue() + ", Redis has " + a;
        }
      }
    }
    return first;
  }

  @Override
  public void close() {
    producer.close();
  }
}
