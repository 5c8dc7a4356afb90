package dev.portcullis.benchmarks;

import dev.portcullis.address.IpAddress;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.notifier.escalation.RedisHistoryStore;
import dev.portcullis.notifier.intercept.InterceptBook;
import dev.portcullis.notifier.intercept.KafkaNoticeSink;
import dev.portcullis.notifier.intercept.NoticeSink;
import dev.portcullis.notifier.intercept.RedisQuotaReleases;
import dev.portcullis.notifier.intercept.SafetyValve;
import dev.portcullis.notifier.scan.Breach;
import dev.portcullis.notifier.scan.RedisWindowReader;
import dev.portcullis.notifier.scan.RuleScanner;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.redis.RedisKeys;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.RedisProcess;
import dev.portcullis.servers.Topics;
import dev.portcullis.transport.KafkaConnection;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.InterceptNotice;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * The notifier's judging loop at scale, on a real KRaft broker and a real Redis: one app with 100,000
 * active addresses in its 1 s and 1 min windows, 10,000 of them over the 50 req/s limit. Times the
 * scan that issues the 10,000 intercepts (scan, judgement with the offender history in Redis, notices
 * and audit records to Kafka) and then the steady scans while they are in force, and one re-assertion
 * of all of them; each in two modes of publishing:
 * <ul>
 *   <li>{@code per-scan}: as the notifier does now, the producer is flushed once per scan;
 *   <li>{@code per-notice}: as it did before, flushed after every notice (a sink that flushes on each publish).
 * </ul>
 * Run: {@code java -cp "$CP" dev.portcullis.benchmarks.JudgingLoadHarness [activeIps] [offenders]}
 */
public final class JudgingLoadHarness {

  private JudgingLoadHarness() {}

  public static void main(String[] args) throws Exception {
    int ips = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int offenders = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    try (KRaftBroker kafka = KRaftBroker.start();
        RedisProcess redis = RedisProcess.startStandalone();
        UnifiedJedis jedis = RedisEndpoints.of("127.0.0.1:" + redis.port(), false).connect()) {
      for (String mode : List.of("per-notice", "per-scan", "per-notice", "per-scan")) {
        jedis.flushAll();
        String notices = "notices-" + UUID.randomUUID();
        String audit = "audit-" + UUID.randomUUID();
        Topics.create(kafka.bootstrapServers(), notices, 3, true);
        Topics.create(kafka.bootstrapServers(), audit, 3, false);
        run(mode, ips, offenders, kafka.bootstrapServers(), notices, audit, jedis);
      }
    }
  }

  private static void run(String mode, int ips, int offenders, String bootstrap, String notices, String audit,
      UnifiedJedis jedis) {
    RedisKeys keys = new RedisKeys(64);
    long now = System.currentTimeMillis();
    fill(jedis, keys, ips, offenders, now);
    try (KafkaNoticeSink kafkaSink = new KafkaNoticeSink(KafkaConnection.plaintext(bootstrap), notices, audit, () -> true)) {
      NoticeSink sink = mode.equals("per-notice") ? new FlushEachNotice(kafkaSink) : kafkaSink;
      InterceptBook book = new InterceptBook(Clock.systemUTC(), sink, new RedisHistoryStore(jedis, keys),
          new RedisQuotaReleases(jedis, keys), new SafetyValve(1_000_000, 16, 48), () -> UUID.randomUUID().toString());
      RuleScanner scanner = new RuleScanner(new RedisWindowReader(jedis, keys), null, null);

      long t0 = System.nanoTime();
      int issued = scanAndJudge(scanner, book, now);
      long firstMicros = (System.nanoTime() - t0) / 1000;

      List<Long> steady = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        long t = System.nanoTime();
        scanAndJudge(scanner, book, now);
        steady.add((System.nanoTime() - t) / 1000);
      }
      long r = System.nanoTime();
      book.reassert();
      long reassertMicros = (System.nanoTime() - r) / 1000;
      System.out.printf("%-10s %d active IPs, %d offenders: first scan issued %d intercepts in %d ms (%.0f notices/s);"
              + " steady scans with %d in force %s; re-assertion of %d: %d ms (%.0f notices/s)%n",
          mode, ips, offenders, issued, firstMicros / 1000, issued * 1e6 / firstMicros, book.active().size(),
          Stats.summary(steady, " us"), book.active().size(), reassertMicros / 1000,
          book.active().size() * 1e6 / Math.max(1, reassertMicros));
    }
  }

  /** One tick as {@code NotifierService} runs it: scan, judge each breach, then one flush. */
  private static int scanAndJudge(RuleScanner scanner, InterceptBook book, long now) {
    int issued = 0;
    for (Breach b : scanner.scan("shop", ConfigSnapshot.EMPTY, now)) {
      if (book.consider(b, ConfigSnapshot.EMPTY) == InterceptBook.Outcome.ISSUED) {
        issued++;
      }
    }
    book.republishFailedAndFlush();
    return issued;
  }

  private static void fill(UnifiedJedis jedis, RedisKeys keys, int ips, int offenders, long now) {
    long sec = now / 1000;
    long min = now / 60_000;
    Map<String, Map<String, Double>> data = new HashMap<>();
    for (int i = 0; i < ips; i++) {
      IpAddress ip = IpAddress.ofV4(0x64400000 + i);
      int shard = keys.shard(ip);
      double perSecond = i < offenders ? 80 : 1 + (i % 20);
      for (long s : new long[] {sec - 1, sec}) {
        data.computeIfAbsent(keys.secondWindow("shop", shard, s), k -> new HashMap<>()).put(ip.toString(), perSecond);
      }
      data.computeIfAbsent(keys.minuteWindow("shop", shard, min), k -> new HashMap<>()).put(ip.toString(), perSecond * 30);
    }
    try (AbstractPipeline p = jedis.pipelined()) {
      data.forEach(p::zadd);
      p.sync();
    }
  }

  /** The publishing of before: the producer flushed after every notice. */
  private record FlushEachNotice(KafkaNoticeSink sink) implements NoticeSink {
    @Override
    public void publish(InterceptNotice notice) {
      sink.publish(notice);
      sink.flush();
    }

    @Override
    public void release(String noticeKey) {
      sink.release(noticeKey);
    }

    @Override
    public void audit(AuditRecord record) {
      sink.audit(record);
    }

    @Override
    public void flush() {
      sink.flush();
    }

    @Override
    public Set<String> takeFailedPublishes() {
      return sink.takeFailedPublishes();
    }
  }
}
