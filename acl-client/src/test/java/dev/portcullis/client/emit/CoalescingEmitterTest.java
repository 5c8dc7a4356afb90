package dev.portcullis.client.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.IpAddress;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.WireCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The emitter's coalescing and accounting, driven by hand: a hand clock, {@code pump()} called directly,
 * and Kafka's own {@link MockProducer} standing in for the network (the real broker is in the ITs).
 */
class CoalescingEmitterTest {

  private static final long V4_A = IpAddress.parse("198.51.100.1").low();
  private static final long V4_B = IpAddress.parse("198.51.100.2").low();
  private static final IpAddress V6 = IpAddress.parse("2001:db8::7");

  private final AtomicLong clock = new AtomicLong(10_000);
  private final AccessRing ring = new AccessRing(1024);
  private final WireCodec codec = new WireCodec();

  private CoalescingEmitter emitter(MockProducer<KafkaKeys.AccessKey, byte[]> producer, int maxKeys) {
    // probes run on the pumping thread here (a direct executor), so a test sees their outcome at once
    return new CoalescingEmitter("shop", "n1", "acl.access", ring, producer, clock::get, Duration.ofMillis(100), maxKeys,
        Runnable::run);
  }

  private static MockProducer<KafkaKeys.AccessKey, byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(autoComplete, null, new AccessKeySerializer(), new ByteArraySerializer());
  }

  private void offer(long v4, String iface, String caller, boolean denied, int times) {
    for (int i = 0; i < times; i++) {
      // accepted, unless the emitter has the ring refuse while Kafka is away (then counted as dropped)
      boolean refusing = ring.refusing();
      assertThat(ring.offer(v4, 0, 0, iface, caller, denied, clock.get())).isNotEqualTo(refusing);
    }
  }

  private Map<String, AccessEvent> sent(MockProducer<KafkaKeys.AccessKey, byte[]> producer) {
    Map<String, AccessEvent> byKey = new HashMap<>();
    for (ProducerRecord<KafkaKeys.AccessKey, byte[]> r : producer.history()) {
      AccessEvent e = codec.readAccessEvent(r.value(), "test");
      assertThat(r.key()).isEqualTo(new KafkaKeys.AccessKey("shop", e.ip()));
      assertThat(byKey.put(e.ip() + " " + e.iface() + " " + e.caller() + " @" + e.ts(), e)).as("one record per key and slice").isNull();
    }
    return byKey;
  }

  @Test
  void accessesOfOneKeyInOneSlice_becomeOneRecordWithTheirCountAndDenials() {
    MockProducer<KafkaKeys.AccessKey, byte[]> producer = producer(true);
    CoalescingEmitter e = emitter(producer, 1000);
    offer(V4_A, "GET /items", "partner-1", false, 5);
    offer(V4_A, "GET /items", "partner-1", true, 2);
    offer(V4_A, "POST /cart", null, false, 1);
    offer(V4_B, "GET /items", "partner-1", false, 3);
    ring.offer(-1, V6.high(), V6.low(), "GET /items", null, true, clock.get());
    e.pump();
    assertThat(producer.history()).as("nothing is sent before the slice ends").isEmpty();

    clock.set(10_100);
    e.pump();
    Map<String, AccessEvent> sent = sent(producer);
    assertThat(sent).hasSize(4);
    AccessEvent a = sent.get("198.51.100.1 GET /items partner-1 @10000");
    assertThat(a.n()).isEqualTo(7);
    assertThat(a.denied()).isEqualTo(2);
    assertThat(a.node()).isEqualTo("n1");
    assertThat(sent.get("198.51.100.1 POST /cart null @10000").n()).isEqualTo(1);
    assertThat(sent.get("198.51.100.2 GET /items partner-1 @10000").n()).isEqualTo(3);
    assertThat(sent.get("2001:db8::7 GET /items null @10000").denied()).isEqualTo(1);
    assertThat(e.sentRequests()).isEqualTo(12);
    assertThat(e.sentRecords()).isEqualTo(4);
    assertThat(e.droppedAccesses()).isZero();
  }

  @Test
  void accessesInTheNextSlice_areANewRecordStampedWithThatSlice() {
    MockProducer<KafkaKeys.AccessKey, byte[]> producer = producer(true);
    CoalescingEmitter e = emitter(producer, 1000);
    offer(V4_A, "GET /items", null, false, 2);
    e.pump();
    clock.set(10_150);
    offer(V4_A, "GET /items", null, false, 4);
    e.pump(); // flushes the first slice, then counts the new accesses into the second
    clock.set(10_200);
    e.pump();
    Map<String, AccessEvent> sent = sent(producer);
    assertThat(sent.get("198.51.100.1 GET /items null @10000").n()).isEqualTo(2);
    assertThat(sent.get("198.51.100.1 GET /items null @10100").n()).isEqualTo(4);
  }

  @Test
  void accessesDrainedAfterTheirSliceEnded_countInTheSliceTheyWereDecidedIn() {
    MockProducer<KafkaKeys.AccessKey, byte[]> producer = producer(true);
    CoalescingEmitter e = emitter(producer, 1000);
    e.pump();
    offer(V4_A, "GET /items", null, false, 3); // decided at 10,000 ms
    clock.set(10_950); // the emitter starved most of a second before it drains them
    offer(V4_A, "GET /items", null, true, 2); // decided at 10,950 ms
    e.pump(); // the slice that began at 10,000 ended: its (empty) map is sent, then both batches are counted
    clock.set(11_000);
    e.pump();
    Map<String, AccessEvent> sent = sent(producer);
    assertThat(sent).containsOnlyKeys("198.51.100.1 GET /items null @10000", "198.51.100.1 GET /items null @10900");
    assertThat(sent.get("198.51.100.1 GET /items null @10000").n()).as("in the second they were made in").isEqualTo(3);
    assertThat(sent.get("198.51.100.1 GET /items null @10900").denied()).isEqualTo(2);
    assertThat(e.sentRequests()).isEqualTo(5);
    assertThat(e.countedLater()).as("none moved").isZero();
  }

  @Test
  void accessesMoreThanTwoSecondsBehindTheEmitter_countInItsCurrentSlice_notAsRecordsTheAggregatorsWouldRefuse() {
    MockProducer<KafkaKeys.AccessKey, byte[]> producer = producer(true);
    CoalescingEmitter e = emitter(producer, 1000);
    offer(V4_A, "GET /items", null, false, 2); // decided at 10,000 ms
    clock.set(12_950);
    offer(V4_A, "GET /items", null, false, 1); // decided at 12,950 ms
    e.pump(); // the emitter's first look, almost 3 s later
    clock.set(13_000);
    e.pump();
    Map<String, AccessEvent> sent = sent(producer);
    assertThat(sent).containsOnlyKeys("198.51.100.1 GET /items null @12900");
    assertThat(sent.get("198.51.100.1 GET /items null @12900").n()).isEqualTo(3);
    assertThat(e.countedLater()).as("the two moved into a later second, counted").isEqualTo(2);
  }

  @Test
  void keysBeyondTheSliceBound_andAccessesTheWireRefuses_areDroppedAndCounted() {
    MockProducer<KafkaKeys.AccessKey, byte[]> producer = producer(true);
    CoalescingEmitter e = emitter(producer, 2);
    offer(V4_A, "GET /a", null, false, 3);
    offer(V4_A, "GET /b", null, false, 1);
    offer(V4_A, "GET /c", null, false, 2); // a third key: over the bound of 2
    offer(V4_A, "GET /a", null, false, 1); // a key already held still counts
    e.pump();
    clock.set(10_100);
    e.pump();
    assertThat(e.sentRequests()).isEqualTo(5);
    assertThat(e.droppedAccesses()).isEqualTo(2);

    offer(V4_B, "GET /x|y", null, false, 3); // '|' separates key parts on the wire
    offer(V4_B, "GET /ok", null, false, 1);
    e.pump();
    clock.set(10_200);
    e.pump();
    assertThat(e.sentRequests()).isEqualTo(6);
    assertThat(e.droppedAccesses()).as("the refused record's three accesses").isEqualTo(5);
  }

  @Test
  void sendsKafkaFails_areCountedAsDroppedAccessesAndFailedRecords() {
    MockProducer<KafkaKeys.AccessKey, byte[]> producer = producer(false);
    CoalescingEmitter e = emitter(producer, 1000);
    offer(V4_A, "GET /items", null, false, 4);
    offer(V4_B, "GET /items", null, false, 1);
    e.pump();
    clock.set(10_100);
    e.pump();
    assertThat(producer.history()).hasSize(2);
    producer.errorNext(new TimeoutException("expired in the accumulator"));
    producer.completeNext();
    assertThat(e.failedRecords()).isEqualTo(1);
    assertThat(e.sentRecords()).isEqualTo(1);
    assertThat(e.sentRequests() + e.droppedAccesses()).as("every access sent or counted as dropped").isEqualTo(5);
  }

  @Test
  void whenTheProducerRefusesARecordItself_theRestOfTheSliceIsDroppedWithoutAskingAgain() {
    // what a full producer buffer does while Kafka is away: each send blocks for max.block.ms, then throws
    AtomicInteger attempts = new AtomicInteger();
    MockProducer<KafkaKeys.AccessKey, byte[]> producer = new MockProducer<>(true, null, new AccessKeySerializer(), new ByteArraySerializer()) {
      @Override
      public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
          ProducerRecord<KafkaKeys.AccessKey, byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
        attempts.incrementAndGet();
        throw new TimeoutException("Failed to allocate memory within the configured max blocking time 200 ms.");
      }
    };
    CoalescingEmitter e = emitter(producer, 1000);
    for (int i = 0; i < 50; i++) {
      offer(V4_A + i, "GET /items", null, false, 2);
    }
    e.pump();
    clock.set(10_100);
    e.pump();
    assertThat(attempts.get()).as("one refusal, not fifty").isEqualTo(1);
    assertThat(e.droppedAccesses()).isEqualTo(100);
    assertThat(e.failedRecords()).isEqualTo(1);

    offer(V4_B, "GET /items", null, false, 1);
    clock.set(10_200);
    e.pump();
    clock.set(10_300);
    e.pump();
    assertThat(e.kafkaAway()).isTrue();
    assertThat(attempts.get()).as("while Kafka does not answer, later slices are counted without asking").isEqualTo(1);
    assertThat(e.droppedAccesses()).isEqualTo(101);
  }

  @Test
  void whileKafkaDoesNotAnswer_wholeSlicesAreCountedWithoutSending_andSendingResumesWhenItAnswers() {
    AtomicBoolean kafkaUp = new AtomicBoolean(false);
    AtomicInteger probes = new AtomicInteger();
    MockProducer<KafkaKeys.AccessKey, byte[]> producer = new MockProducer<>(false, null, new AccessKeySerializer(),
        new ByteArraySerializer()) {
      @Override
      public synchronized List<PartitionInfo> partitionsFor(String topic) {
        probes.incrementAndGet();
        return kafkaUp.get() ? List.of(new PartitionInfo(topic, 0, null, null, null)) : List.of();
      }
    };
    CoalescingEmitter e = emitter(producer, 1000);
    offer(V4_A, "GET /items", null, false, 5);
    e.pump();
    clock.set(10_100);
    e.pump();
    assertThat(producer.history()).hasSize(1);
    // what a producer without a broker does: the send returns, and its callback reports the metadata timeout
    producer.errorNext(new TimeoutException("Topic acl.access not present in metadata after 200 ms."));
    assertThat(e.kafkaAway()).isTrue();
    for (int slice = 2; slice <= 5; slice++) {
      offer(V4_B, "GET /items", null, false, 10);
      clock.set(10_000 + slice * 100L);
      e.pump();
    }
    assertThat(ring.refusing()).as("the ring refuses at the request threads while Kafka is away").isTrue();
    assertThat(producer.history()).as("nothing handed to the producer while Kafka is away").hasSize(1);
    assertThat(e.droppedAccesses()).as("every access counted").isEqualTo(45);
    assertThat(probes.get()).as("probes back off: at 100 ms, then 200 ms after that").isEqualTo(2);

    kafkaUp.set(true);
    clock.set(clock.get() + 500); // a probe is due at most 500 ms after the last
    e.pump();
    assertThat(e.kafkaAway()).isFalse();
    assertThat(ring.refusing()).as("and accepts again once Kafka answers").isFalse();
    offer(V4_B, "GET /items", null, false, 3);
    clock.set(clock.get() + 100);
    e.pump();
    clock.set(clock.get() + 100);
    e.pump();
    assertThat(producer.history()).as("sending resumed").hasSize(2);
    assertThat(e.kafkaOutages()).isEqualTo(1);
  }

  @Test
  void aDeliveryThatSucceeds_closesTheCircuit() {
    MockProducer<KafkaKeys.AccessKey, byte[]> producer = producer(false);
    CoalescingEmitter e = emitter(producer, 1000);
    offer(V4_A, "GET /items", null, false, 1);
    offer(V4_B, "GET /items", null, false, 1);
    e.pump();
    clock.set(10_100);
    e.pump();
    producer.errorNext(new TimeoutException("Expiring 1 record(s): 30000 ms has passed since batch creation"));
    assertThat(e.kafkaAway()).isTrue();
    producer.completeNext();
    assertThat(e.kafkaAway()).isFalse();
    assertThat(e.sentRequests()).isEqualTo(1);
    assertThat(e.droppedAccesses()).isEqualTo(1);
  }

  @Test
  void close_beforeTheThreadEverRan_stillSendsWhatWasOffered() {
    // failed before the fix: the slice had no start yet, the record no valid timestamp, and the
    // accesses were counted as dropped instead of sent
    MockProducer<KafkaKeys.AccessKey, byte[]> producer = producer(true);
    CoalescingEmitter e = emitter(producer, 1000);
    offer(V4_A, "GET /items", null, true, 2);
    e.close();
    assertThat(e.droppedAccesses()).isZero();
    assertThat(e.sentRequests()).isEqualTo(2);
    assertThat(sent(producer).get("198.51.100.1 GET /items null @10000").denied()).isEqualTo(2);
  }

  @Test
  void close_sendsWhatIsBufferedAndClosesTheProducer_once() {
    MockProducer<KafkaKeys.AccessKey, byte[]> producer = producer(true);
    CoalescingEmitter e = emitter(producer, 1000);
    e.start();
    offer(V4_A, "GET /items", null, false, 3);
    e.close();
    e.close();
    assertThat(producer.closed()).isTrue();
    List<AccessEvent> events = producer.history().stream().map(r -> codec.readAccessEvent(r.value(), "t")).toList();
    assertThat(events).extracting(AccessEvent::n).containsExactly(3L);
    assertThat(e.sentRequests()).isEqualTo(3);
  }
}
