package dev.portcullis.notifier.intercept;

import dev.portcullis.transport.KafkaConnection;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes notices to the compacted notices topic and audit records to the audit topic, and keeps
 * the last 500 audit records in memory for the API. Every publish first asks {@code leading}: a
 * notifier that has lost leadership sends nothing, so a deposed leader and its successor never both
 * speak.
 */
public final class KafkaNoticeSink implements NoticeSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaNoticeSink.class);
  private static final int TAIL = 500;

  private final KafkaProducer<String, byte[]> producer;
  private final String noticesTopic;
  private final String auditTopic;
  private final BooleanSupplier leading;
  private final WireCodec codec = new WireCodec();
  private final ArrayDeque<AuditRecord> tail = new ArrayDeque<>();
  private final Queue<String> failed = new ConcurrentLinkedQueue<>();

  public KafkaNoticeSink(KafkaConnection kafka, String noticesTopic, String auditTopic, BooleanSupplier leading) {
    Map<String, Object> configs = kafka.configs();
    configs.putAll(Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
        ProducerConfig.CLIENT_ID_CONFIG, "portcullis-notifier"));
    this.producer = new KafkaProducer<>(configs, new StringSerializer(), new ByteArraySerializer());
    this.noticesTopic = noticesTopic;
    this.auditTopic = auditTopic;
    this.leading = leading;
  }

  private boolean mayPublish(String what) {
    if (!leading.getAsBoolean()) {
      LOG.warn("not the leader any more; not publishing {}", what);
      return false;
    }
    return true;
  }

  @Override
  public void publish(InterceptNotice notice) {
    if (mayPublish("notice " + notice.key())) {
      try {
        producer.send(new ProducerRecord<>(noticesTopic, notice.key(), codec.write(notice)), (md, e) -> {
          if (e != null) {
            failed.add(notice.key());
            LOG.error("publishing notice {} failed; it is published again at the next scan", notice.key(), e);
          }
        });
      } catch (RuntimeException e) {
        failed.add(notice.key());
        LOG.error("publishing notice {} failed; it is published again at the next scan", notice.key(), e);
      }
    }
  }

  @Override
  public void flush() {
    producer.flush();
  }

  @Override
  public Set<String> takeFailedPublishes() {
    Set<String> out = new HashSet<>();
    for (String key; (key = failed.poll()) != null; ) {
      out.add(key);
    }
    return out;
  }

  @Override
  public void release(String noticeKey) {
    if (mayPublish("release of " + noticeKey)) {
      producer.send(new ProducerRecord<>(noticesTopic, noticeKey, null));
    }
  }

  @Override
  public void audit(AuditRecord record) {
    remember(record);
    if (mayPublish("audit " + record.kind())) {
      producer.send(new ProducerRecord<>(auditTopic, record.app(), codec.write(record)));
    }
  }

  /**
   * Audits a change of rules or lists made through this notifier's API, leader or not (the store's
   * compare-and-set, not the election, keeps such writes consistent).
   */
  public void auditChange(AuditRecord record) {
    remember(record);
    producer.send(new ProducerRecord<>(auditTopic, record.app(), codec.write(record)), (md, e) -> {
      if (e != null) {
        LOG.error("auditing {} failed", record.kind(), e);
      }
    });
  }

  /**
   * Writes an operator's change to the audit topic and returns once Kafka has it (at most 5 s).
   *
   * @throws IllegalStateException if it is not acknowledged: the change must then not be made
   */
  public void auditChangeNow(AuditRecord record) {
    try {
      producer.send(new ProducerRecord<>(auditTopic, record.app(), codec.write(record))).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + auditTopic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(auditTopic + " refused the record: " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(auditTopic + " did not acknowledge the record within 5 s", e);
    }
    remember(record);
  }

  private void remember(AuditRecord record) {
    synchronized (tail) {
      tail.addLast(record);
      while (tail.size() > TAIL) {
        tail.pollFirst();
      }
    }
  }

  /** The newest audit records, newest first. */
  public List<AuditRecord> auditTail(int limit) {
    synchronized (tail) {
      List<AuditRecord> out = new ArrayList<>(tail);
      java.util.Collections.reverse(out);
      return out.size() > limit ? out.subList(0, limit) : out;
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
