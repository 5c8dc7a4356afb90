package dev.portcullis.notifier.intercept;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.Ladder;
import dev.portcullis.config.ListEntry;
import dev.portcullis.notifier.escalation.OffenderHistory;
import dev.portcullis.notifier.fixtures.FakeClock;
import dev.portcullis.notifier.fixtures.MapHistory;
import dev.portcullis.notifier.fixtures.MapReleases;
import dev.portcullis.notifier.fixtures.RecordingSink;
import dev.portcullis.notifier.scan.Breach;
import dev.portcullis.notifier.scan.QuotaBreach;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.InterceptNotice;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InterceptBookTest {

  private static final long T0 = 1_763_880_000_000L;

  private final MapReleases releases = new MapReleases();
  private final FakeClock clock = new FakeClock();
  private final RecordingSink sink = new RecordingSink();
  private final MapHistory history = new MapHistory();
  private final AtomicInteger ids = new AtomicInteger();

  private InterceptBook book(SafetyValve valve) {
    return new InterceptBook(clock, sink, history, releases, valve, () -> "id-" + ids.incrementAndGet());
  }

  /** A breach in the current second. */
  private Breach breach(String target) {
    return new Breach("shop", Cidr.parse(target), "1s", clock.millis() / 1000, 84, 50, "shop default");
  }

  private static ConfigSnapshot config(boolean globalShadow, boolean appShadow, List<ListEntry> allow) {
    GlobalPolicy g = new GlobalPolicy(50L, null, Ladder.DEFAULT, Duration.ofHours(24), globalShadow, ZoneOffset.UTC);
    return new ConfigSnapshot(g, allow, List.of(),
        Map.of("shop", new AppConfig("shop", new AppPolicy(AppMode.OPEN, null, null, List.of(), appShadow), List.of(),
            List.of(), List.of())), 7);
  }

  @Test
  void ladder_escalatesOneMinuteOneHourOneDayThenPermanent() {
    InterceptBook b = book(new SafetyValve(100, 16, 48));
    ConfigSnapshot c = config(false, false, List.of());
    long[] expected = {60_000, 3_600_000, 86_400_000};
    for (int level = 1; level <= 3; level++) {
      assertThat(b.consider(breach("203.0.113.7"), c)).isEqualTo(InterceptBook.Outcome.ISSUED);
      InterceptNotice n = sink.published.get(sink.published.size() - 1);
      assertThat(n.level()).isEqualTo(level);
      assertThat(n.expiresAt() - n.issuedAt()).isEqualTo(expected[level - 1]);
      assertThat(n.reason()).isEqualTo("84 req/s > 50 req/s (shop default)");
      assertThat(b.consider(breach("203.0.113.7"), c)).isEqualTo(InterceptBook.Outcome.ALREADY_ACTIVE);
      clock.advance(Duration.ofMillis(expected[level - 1]));
      assertThat(b.expire()).isEqualTo(1);
      assertThat(sink.released).last().isEqualTo("shop|203.0.113.7");
      clock.advance(Duration.ofMinutes(5)); // offends again soon after the release
    }
    b.consider(breach("203.0.113.7"), c);
    InterceptNotice permanent = sink.published.get(sink.published.size() - 1);
    assertThat(permanent.level()).isEqualTo(4);
    assertThat(permanent.isPermanent()).isTrue();
    clock.advance(Duration.ofDays(365));
    assertThat(b.expire()).isZero();
  }

  @Test
  void forgiveness_afterAQuietPeriodTheOffenderStartsAtLevelOneAgain() {
    InterceptBook b = book(new SafetyValve(100, 16, 48));
    ConfigSnapshot c = config(false, false, List.of());
    b.consider(breach("203.0.113.7"), c);
    clock.advance(Duration.ofMinutes(1));
    b.expire();
    clock.advance(Duration.ofHours(23).plusMinutes(59));
    b.consider(breach("203.0.113.7"), c);
    assertThat(sink.published.get(1).level()).as("not yet forgiven").isEqualTo(2);
    clock.advance(Duration.ofHours(1));
    b.expire();
    clock.advance(Duration.ofHours(24));
    b.consider(breach("203.0.113.7"), c);
    assertThat(sink.published.get(2).level()).as("forgiven after 24 h of quiet").isEqualTo(1);
  }

  @Test
  void allowlistedTargets_areNeverIntercepted() {
    InterceptBook b = book(new SafetyValve(100, 16, 48));
    ConfigSnapshot c = config(false, false, List.of(new ListEntry(Cidr.parse("203.0.113.0/24"), null, "office", "ops", 1)));
    assertThat(b.consider(breach("203.0.113.7"), c)).isEqualTo(InterceptBook.Outcome.ALLOWLISTED);
    assertThat(sink.published).isEmpty();
  }

  @Test
  void shadowMode_auditsOnceButBroadcastsNothing() {
    InterceptBook b = book(new SafetyValve(100, 16, 48));
    for (ConfigSnapshot c : List.of(config(true, false, List.of()), config(false, true, List.of()))) {
      sink.audits.clear();
      String target = c.global().shadow() ? "203.0.113.7" : "203.0.113.8";
      assertThat(b.consider(breach(target), c)).isEqualTo(InterceptBook.Outcome.SHADOWED);
      assertThat(b.consider(breach(target), c)).isEqualTo(InterceptBook.Outcome.SHADOWED);
      assertThat(sink.audits).hasSize(1);
      assertThat(sink.audits.get(0).kind()).isEqualTo(AuditRecord.Kind.INTERCEPT_SHADOWED);
      assertThat(sink.audits.get(0).evidence()).containsEntry("count", "84").containsEntry("limit", "50");
    }
    assertThat(sink.published).isEmpty();
    assertThat(b.active()).isEmpty();
  }

  @Test
  void safetyValve_refusesTooManyNewTargetsAndTooWideBlocks() {
    InterceptBook b = book(new SafetyValve(2, 16, 48));
    ConfigSnapshot c = config(false, false, List.of());
    assertThat(b.consider(breach("10.0.0.0/8"), c)).isEqualTo(InterceptBook.Outcome.REFUSED);
    assertThat(b.consider(breach("2001:db8::/32"), c)).isEqualTo(InterceptBook.Outcome.REFUSED);
    assertThat(b.consider(breach("198.51.100.1"), c)).isEqualTo(InterceptBook.Outcome.ISSUED);
    assertThat(b.consider(breach("198.51.100.2"), c)).isEqualTo(InterceptBook.Outcome.ISSUED);
    assertThat(b.consider(breach("198.51.100.3"), c)).isEqualTo(InterceptBook.Outcome.REFUSED);
    assertThat(sink.audits).filteredOn(a -> a.kind() == AuditRecord.Kind.INTERCEPT_REFUSED).hasSize(3)
        .anySatisfy(a -> assertThat(a.reason()).contains("wider than /16"))
        .anySatisfy(a -> assertThat(a.reason()).contains("new intercepts in the last minute"));
    clock.advance(Duration.ofMinutes(1));
    assertThat(b.consider(breach("198.51.100.3"), c)).as("the valve refills").isEqualTo(InterceptBook.Outcome.ISSUED);
  }

  @Test
  void aRefusalThatStandsScanAfterScan_isAuditedOncePerEpisode() {
    InterceptBook b = book(new SafetyValve(100, 16, 48));
    ConfigSnapshot c = config(false, false, List.of());
    for (int scan = 0; scan < 4 * 60 * 5; scan++) { // five minutes of scans every 250 ms, the breach standing
      assertThat(b.consider(breach("10.0.0.0/8"), c)).isEqualTo(InterceptBook.Outcome.REFUSED);
      clock.advance(Duration.ofMillis(250));
    }
    assertThat(sink.audits).filteredOn(a -> a.kind() == AuditRecord.Kind.INTERCEPT_REFUSED).as("one episode").hasSize(1);
    clock.advance(Duration.ofMinutes(2)); // quiet: the episode ended
    assertThat(b.consider(breach("10.0.0.0/8"), c)).isEqualTo(InterceptBook.Outcome.REFUSED);
    assertThat(b.consider(breach("2001:db8::/32"), c)).isEqualTo(InterceptBook.Outcome.REFUSED);
    assertThat(sink.audits).filteredOn(a -> a.kind() == AuditRecord.Kind.INTERCEPT_REFUSED)
        .as("a new episode, and another target").hasSize(3);
  }

  @Test
  void aRelease_isNotUndoneByTheCountsThatLedToIt_butANewOffenceAfterItClimbs() {
    InterceptBook b = book(new SafetyValve(100, 16, 48));
    ConfigSnapshot c = config(false, false, List.of());
    Breach offence = breach("203.0.113.7");
    assertThat(b.consider(offence, c)).isEqualTo(InterceptBook.Outcome.ISSUED);
    clock.advance(Duration.ofMillis(1500));
    assertThat(b.release("shop", Cidr.parse("203.0.113.7"), "alice", "false alarm")).isTrue();

    clock.advance(Duration.ofMillis(250)); // the next scans still read the second of the offence
    assertThat(b.consider(offence, c)).isEqualTo(InterceptBook.Outcome.STALE);
    assertThat(b.consider(breach("203.0.113.7"), c)).as("a window the release fell in")
        .isEqualTo(InterceptBook.Outcome.ISSUED);
    assertThat(sink.published).extracting(InterceptNotice::level).containsExactly(1, 2);
  }

  @Test
  void anInterceptInForceByTheHistoryButOnNoTopic_isIssuedAgainAsItWas_notClimbingNorExtended() {
    // the last leader wrote the history and died before its notice reached the topic
    history.put("shop", Cidr.parse("203.0.113.7"), new OffenderHistory(2, T0 - 60_000, T0 + 3_540_000));
    InterceptBook b = book(new SafetyValve(100, 16, 48));

    assertThat(b.consider(breach("203.0.113.7"), config(false, false, List.of()))).isEqualTo(InterceptBook.Outcome.ISSUED);
    assertThat(sink.published).singleElement().satisfies(n -> {
      assertThat(n.level()).isEqualTo(2);
      assertThat(n.expiresAt()).isEqualTo(T0 + 3_540_000);
    });
    assertThat(sink.audits).singleElement().satisfies(a -> assertThat(a.evidence()).containsKey("reissued"));
  }

  @Test
  void manualInterceptAndRelease_arePublishedAndAudited() {
    InterceptBook b = book(new SafetyValve(100, 16, 48));
    InterceptNotice n = b.issueManual("*", Cidr.parse("192.0.2.0/24"), Duration.ofMinutes(10), "incident 42", "alice");
    assertThat(n.level()).isZero();
    assertThat(b.active()).containsExactly(n);
    assertThat(b.release("*", Cidr.parse("192.0.2.0/24"), "bob", "resolved")).isTrue();
    assertThat(b.release("*", Cidr.parse("192.0.2.0/24"), "bob", "resolved")).isFalse();
    assertThat(sink.released).containsExactly("*|192.0.2.0/24");
    assertThat(sink.audits).extracting(AuditRecord::actor).containsExactly("alice", "bob");
  }

  private static QuotaBreach quotaBreach(long endOfDay) {
    return new QuotaBreach("shop", "partner-42", "GET /export", 20251123, endOfDay, 10_004, 10_000, "quota * on GET /export");
  }

  @Test
  void usedUpQuota_limitsTheCallerOnThatInterfaceUntilTheDayEndsAndThenExpires() {
    InterceptBook b = book(new SafetyValve(1, 16, 48));
    ConfigSnapshot c = config(false, false, List.of());
    b.consider(breach("198.51.100.1"), c);
    assertThat(b.consider(breach("198.51.100.2"), c)).as("the valve is shut for addresses").isEqualTo(InterceptBook.Outcome.REFUSED);
    b.release("shop", Cidr.parse("198.51.100.1"), "test", "setup");
    sink.published.clear();
    sink.released.clear();
    sink.audits.clear();
    history.map.clear();
    long endOfDay = T0 + Duration.ofHours(5).toMillis();

    assertThat(b.considerQuota(quotaBreach(endOfDay), c)).isEqualTo(InterceptBook.Outcome.ISSUED);
    assertThat(b.considerQuota(quotaBreach(endOfDay), c)).isEqualTo(InterceptBook.Outcome.ALREADY_ACTIVE);

    InterceptNotice n = sink.published.get(0);
    assertThat(n.isQuota()).isTrue();
    assertThat(n.quota()).isEqualTo(new InterceptNotice.QuotaScope("partner-42", "GET /export"));
    assertThat(n.key()).isEqualTo("shop|quota:partner-42|GET /export");
    assertThat(n.expiresAt()).isEqualTo(endOfDay);
    assertThat(n.reason()).isEqualTo("10004 req/day > 10000 req/day (quota * on GET /export): partner-42 on GET /export");
    assertThat(sink.audits).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AuditRecord.Kind.INTERCEPT_ISSUED);
      assertThat(a.evidence()).containsEntry("caller", "partner-42").containsEntry("iface", "GET /export")
          .containsEntry("count", "10004").containsEntry("limit", "10000").containsEntry("window", "1d");
    });
    assertThat(history.map).as("quotas have no ladder").isEmpty();

    clock.advance(Duration.ofHours(5));
    assertThat(b.expire()).isEqualTo(1);
    assertThat(sink.released).containsExactly("shop|quota:partner-42|GET /export");
    assertThat(b.considerQuota(quotaBreach(endOfDay), c)).as("yesterday's count after midnight")
        .isEqualTo(InterceptBook.Outcome.ALREADY_ACTIVE);
    assertThat(sink.published).hasSize(1);
  }

  @Test
  void usedUpQuota_inShadowModeIsAuditedOnlyAndCanBeReleasedByHand() {
    InterceptBook shadowed = book(new SafetyValve(100, 16, 48));
    long endOfDay = T0 + Duration.ofHours(5).toMillis();
    assertThat(shadowed.considerQuota(quotaBreach(endOfDay), config(false, true, List.of())))
        .isEqualTo(InterceptBook.Outcome.SHADOWED);
    assertThat(shadowed.considerQuota(quotaBreach(endOfDay), config(false, true, List.of())))
        .isEqualTo(InterceptBook.Outcome.SHADOWED);
    assertThat(sink.published).isEmpty();
    assertThat(sink.audits).singleElement().satisfies(a -> assertThat(a.kind()).isEqualTo(AuditRecord.Kind.INTERCEPT_SHADOWED));

    InterceptBook enforcing = book(new SafetyValve(100, 16, 48));
    enforcing.considerQuota(quotaBreach(endOfDay), config(false, false, List.of()));
    assertThat(enforcing.releaseQuota("shop", "partner-42", "GET /export", "alice", "raised by sales")).isTrue();
    assertThat(enforcing.releaseQuota("shop", "partner-42", "GET /export", "alice", "raised by sales")).isFalse();
    assertThat(enforcing.considerQuota(quotaBreach(endOfDay), config(false, false, List.of())))
        .as("still over the quota, but released for the rest of the day").isEqualTo(InterceptBook.Outcome.RELEASED_FOR_THE_DAY);
    InterceptBook successor = book(new SafetyValve(100, 16, 48));
    successor.load(List.of());
    assertThat(successor.considerQuota(quotaBreach(endOfDay), config(false, false, List.of())))
        .as("a new leader keeps the release").isEqualTo(InterceptBook.Outcome.RELEASED_FOR_THE_DAY);
    clock.advance(Duration.ofHours(5));
    enforcing.expire();
    assertThat(enforcing.considerQuota(quotaBreach(endOfDay + Duration.ofDays(1).toMillis()), config(false, false, List.of())))
        .as("the next day's breach").isEqualTo(InterceptBook.Outcome.ISSUED);
    assertThat(sink.released).containsExactly("shop|quota:partner-42|GET /export");
    assertThat(sink.audits).filteredOn(a -> a.kind() == AuditRecord.Kind.INTERCEPT_RELEASED).singleElement().satisfies(a -> {
      assertThat(a.actor()).isEqualTo("alice");
      assertThat(a.reason()).isEqualTo("raised by sales: partner-42 on GET /export");
    });
  }

  @Test
  void aNoticeThatFailedToPublish_isPublishedAgainAtTheNextScan_unlessReleasedMeanwhile() {
    InterceptBook b = book(new SafetyValve(100, 16, 48));
    ConfigSnapshot c = config(false, false, List.of());
    sink.failNextPublishOf.add("shop|203.0.113.7");
    sink.failNextPublishOf.add("shop|203.0.113.8");
    assertThat(b.consider(breach("203.0.113.7"), c)).isEqualTo(InterceptBook.Outcome.ISSUED);
    assertThat(b.consider(breach("203.0.113.8"), c)).isEqualTo(InterceptBook.Outcome.ISSUED);
    assertThat(sink.published).as("both sends failed").isEmpty();
    assertThat(b.release("shop", Cidr.parse("203.0.113.8"), "alice", "false alarm")).isTrue();
    b.republishFailedAndFlush();
    assertThat(sink.published).extracting(InterceptNotice::key).as("the released one stays released")
        .containsExactly("shop|203.0.113.7");
    assertThat(sink.flushes).isEqualTo(1);
    b.republishFailedAndFlush();
    assertThat(sink.published).as("published once, not again").hasSize(1);
  }

  @Test
  void reassert_publishesEveryActiveNoticeAndFlushesOnce() {
    InterceptBook b = book(new SafetyValve(100, 16, 48));
    ConfigSnapshot c = config(false, false, List.of());
    b.consider(breach("203.0.113.7"), c);
    b.consider(breach("203.0.113.9"), c);
    sink.published.clear();
    b.reassert();
    assertThat(sink.published).extracting(InterceptNotice::key).containsExactlyInAnyOrder("shop|203.0.113.7", "shop|203.0.113.9");
    assertThat(sink.flushes).isEqualTo(1);
  }
}
