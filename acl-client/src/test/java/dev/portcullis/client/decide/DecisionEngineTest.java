package dev.portcullis.client.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.emit.AccessRing;
import dev.portcullis.client.time.CoarseClock;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import dev.portcullis.wire.InterceptNotice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionEngineTest {

  private static final long T0 = 1_763_880_000_000L;

  private final CoarseClock clock = new CoarseClock(T0);

  private static ListEntry entry(String cidr, Long expiresAt, String note) {
    return new ListEntry(Cidr.parse(cidr), expiresAt, note, "test", 1);
  }

  private static InterceptNotice notice(String app, String target, Long expiresAt, int level) {
    return new InterceptNotice("n-" + target, app, Cidr.parse(target), InterceptNotice.Action.DENY, level,
        "84 req/s > 50 req/s", T0 - 1000, expiresAt);
  }

  private static ConfigSnapshot snapshot(AppMode mode, List<ListEntry> globalAllow, List<ListEntry> globalDeny,
      List<ListEntry> appAllow, List<ListEntry> appDeny) {
    return new ConfigSnapshot(GlobalPolicy.DEFAULT, globalAllow, globalDeny,
        Map.of("shop", new AppConfig("shop", new AppPolicy(mode, null, null, List.of(), false), List.of(), appAllow, appDeny)), 1);
  }

  private DecisionEngine engine(ConfigSnapshot s, AccessRing ring, LocalLimiter limiter, UnparseableAddressPolicy p) {
    DecisionEngine e = new DecisionEngine("shop", clock, ring, limiter, p);
    e.rules(CompiledRules.compile("shop", s));
    return e;
  }

  @Test
  void check_followsThePrecedenceAllowDenyInterceptLimitMode() {
    ConfigSnapshot s = snapshot(AppMode.OPEN,
        List.of(entry("198.51.100.7/32", null, "partner")),
        List.of(entry("198.51.100.0/24", null, "scrapers"), entry("203.0.113.0/24", null, "")),
        List.of(), List.of());
    DecisionEngine e = engine(s, null, new LocalLimiter(2, 1024), UnparseableAddressPolicy.BY_MODE);
    e.intercepts(InterceptSet.of("shop", List.of(notice("shop", "198.51.100.7", T0 + 60_000, 1),
        notice("shop", "192.0.2.10", T0 + 60_000, 1))));

    Decision allowed = e.check("198.51.100.7", "GET /", null);
    assertThat(allowed.reason()).isEqualTo(Decision.Reason.ALLOW_LIST);
    assertThat(allowed.detail()).isEqualTo("allow list 198.51.100.7 (global)");

    Decision denied = e.check("198.51.100.8", "GET /", null);
    assertThat(denied.outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(denied.reason()).isEqualTo(Decision.Reason.DENY_LIST);
    assertThat(denied.detail()).isEqualTo("deny list 198.51.100.0/24 (global)");

    Decision intercepted = e.check("192.0.2.10", "GET /", null);
    assertThat(intercepted.outcome()).isEqualTo(Decision.Outcome.LIMIT);
    assertThat(intercepted.reason()).isEqualTo(Decision.Reason.INTERCEPT);
    assertThat(intercepted.retryAfterSeconds(T0)).isEqualTo(60);

    assertThat(e.check("192.0.2.11", "GET /", null).reason()).isEqualTo(Decision.Reason.OPEN_MODE);
    assertThat(e.check("192.0.2.11", "GET /", null).reason()).isEqualTo(Decision.Reason.OPEN_MODE);
    assertThat(e.check("192.0.2.11", "GET /", null).reason()).isEqualTo(Decision.Reason.LOCAL_LIMIT);
  }

  @Test
  void closedApp_deniesEverythingNotAllowlisted() {
    ConfigSnapshot s = snapshot(AppMode.CLOSED, List.of(), List.of(), List.of(entry("203.0.113.9", T0 + 1000, "alice")), List.of());
    DecisionEngine e = engine(s, null, null, UnparseableAddressPolicy.BY_MODE);
    assertThat(e.check("203.0.113.9", "GET /admin", null).allowed()).isTrue();
    assertThat(e.check("203.0.113.10", "GET /admin", null).reason()).isEqualTo(Decision.Reason.CLOSED_MODE);
    assertThat(e.check("not-an-ip", "GET /admin", null).reason()).isEqualTo(Decision.Reason.UNPARSEABLE_ADDRESS);
    assertThat(e.check("not-an-ip", "GET /admin", null).allowed()).isFalse();
    clock.set(T0 + 1000);
    assertThat(e.check("203.0.113.9", "GET /admin", null).reason())
        .as("the admin's TTL entry is inert at its expiry, before any recompile").isEqualTo(Decision.Reason.CLOSED_MODE);
  }

  @Test
  void expiredSpecificEntry_fallsBackToTheBroaderActiveOne() {
    ConfigSnapshot s = snapshot(AppMode.OPEN, List.of(), List.of(entry("10.0.0.0/8", null, "broad")),
        List.of(), List.of(entry("10.1.2.3", T0 + 10, "narrow")));
    DecisionEngine e = engine(s, null, null, UnparseableAddressPolicy.BY_MODE);
    assertThat(e.check("10.1.2.3", "x", null).detail()).isEqualTo("deny list 10.1.2.3 (shop)");
    clock.set(T0 + 10);
    assertThat(e.check("10.1.2.3", "x", null).detail()).isEqualTo("deny list 10.0.0.0/8 (global)");
  }

  @Test
  void anAllowlistedAddress_isNeverDeniedByANotice_howeverWideOrForWhicheverApp() {
    ConfigSnapshot s = snapshot(AppMode.OPEN, List.of(entry("198.51.100.7/32", null, "monitor")), List.of(), List.of(), List.of());
    DecisionEngine e = engine(s, null, null, UnparseableAddressPolicy.BY_MODE);
    e.intercepts(InterceptSet.of("shop", List.of(notice("shop", "198.51.100.7", null, 4), notice("shop", "198.51.100.0/24", null, 4),
        notice("*", "198.51.100.0/24", null, 4), notice("shop", "198.51.0.0/16", null, 4))));
    assertThat(e.check("198.51.100.7", "GET /", null).reason()).isEqualTo(Decision.Reason.ALLOW_LIST);
    assertThat(e.check("198.51.100.8", "GET /", null).reason()).as("its neighbour").isEqualTo(Decision.Reason.INTERCEPT);
    assertThat(e.check("198.51.7.7", "GET /", null).reason()).as("in the /16").isEqualTo(Decision.Reason.INTERCEPT);
  }

  @Test
  void amongManyEntries_onlyThoseWithAnExpiryLapseAndOutcomesAreCountedByList() {
    // 300 deny entries, every third with an expiry (labels on both sides of 64-bit words), and an allow entry
    List<ListEntry> deny = new ArrayList<>();
    for (int k = 0; k < 300; k++) {
      deny.add(entry("10.0." + k / 256 + "." + k % 256, k % 3 == 0 ? T0 + 10 : null, "k" + k));
    }
    ConfigSnapshot s = snapshot(AppMode.OPEN, List.of(entry("10.0.0.1", T0 + 10, "partner")), deny, List.of(), List.of());
    DecisionEngine e = engine(s, null, null, UnparseableAddressPolicy.BY_MODE);
    for (int k = 0; k < 300; k++) {
      Decision d = e.check("10.0." + k / 256 + "." + k % 256, "x", null);
      assertThat(d.reason()).as("entry %d before its expiry", k).isEqualTo(k == 1 ? Decision.Reason.ALLOW_LIST : Decision.Reason.DENY_LIST);
    }
    clock.set(T0 + 10);
    for (int k = 0; k < 300; k++) {
      Decision d = e.check("10.0." + k / 256 + "." + k % 256, "x", null);
      assertThat(d.reason()).as("entry %d after the expiry", k)
          .isEqualTo(k % 3 == 0 ? Decision.Reason.OPEN_MODE : Decision.Reason.DENY_LIST);
    }
    assertThat(e.decisions(Decision.Outcome.ALLOW)).isEqualTo(1 + 100);
    assertThat(e.decisions(Decision.Outcome.DENY)).isEqualTo(299 + 200);
  }

  @Test
  void intercepts_expireByThemselvesAndPermanentOnesDeny() {
    DecisionEngine e = engine(ConfigSnapshot.EMPTY, null, null, UnparseableAddressPolicy.BY_MODE);
    e.intercepts(InterceptSet.of("shop", List.of(notice("*", "2001:db8::/48", null, 4),
        notice("shop", "2001:db8::7", T0 + 500, 1), notice("other", "192.0.2.1", null, 1))));
    assertThat(e.check("2001:db8::7", "x", null).outcome()).isEqualTo(Decision.Outcome.LIMIT);
    assertThat(e.check("2001:db8::8", "x", null).outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(e.check("192.0.2.1", "x", null).allowed()).as("another app's intercept").isTrue();
    clock.set(T0 + 500);
    assertThat(e.check("2001:db8::7", "x", null).outcome()).as("falls back to the /48").isEqualTo(Decision.Outcome.DENY);
    assertThat(e.check("[2001:db8:1::7]", "x", null).allowed()).isTrue();
  }

  @Test
  void usedUpQuota_limitsThatCallerOnThatInterfaceOnlyUntilItsExpiry() {
    DecisionEngine e = engine(snapshot(AppMode.OPEN, List.of(entry("192.0.2.50", null, "office")), List.of(), List.of(), List.of()),
        null, null, UnparseableAddressPolicy.BY_MODE);
    InterceptNotice used = InterceptNotice.quota("q-1", "shop", new InterceptNotice.QuotaScope("partner-42", "GET /export"),
        1, "10004 req/day > 10000 req/day", T0, T0 + 3_600_000);
    e.intercepts(InterceptSet.of("shop", List.of(used,
        InterceptNotice.quota("q-2", "other", new InterceptNotice.QuotaScope("partner-7", "GET /export"), 1, "x", T0, null))));

    Decision d = e.check("203.0.113.5", "GET /export", "partner-42");
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.LIMIT);
    assertThat(d.reason()).isEqualTo(Decision.Reason.QUOTA);
    assertThat(d.detail()).contains("partner-42 on GET /export").contains("10004 req/day");
    assertThat(d.retryAfterSeconds(T0)).isEqualTo(3_600);
    assertThat(e.check("203.0.113.5", "GET /items", "partner-42").allowed()).as("another interface").isTrue();
    assertThat(e.check("203.0.113.5", "GET /export", "partner-43").allowed()).as("another caller").isTrue();
    assertThat(e.check("203.0.113.5", "GET /export", null).allowed()).as("no caller").isTrue();
    assertThat(e.check("203.0.113.5", "GET /export", "partner-7").allowed()).as("another app's quota").isTrue();
    assertThat(e.check("192.0.2.50", "GET /export", "partner-42").reason()).as("an allow entry comes first")
        .isEqualTo(Decision.Reason.ALLOW_LIST);
    clock.set(T0 + 3_600_000);
    assertThat(e.check("203.0.113.5", "GET /export", "partner-42").allowed()).as("at expiresAt").isTrue();
  }

  @Test
  void unparseablePolicy_isConfigurableAndCounted() {
    DecisionEngine allow = engine(ConfigSnapshot.EMPTY, null, null, UnparseableAddressPolicy.BY_MODE);
    assertThat(allow.check("999.1.1.1", "x", null).allowed()).isTrue();
    assertThat(allow.check(null, "x", null).allowed()).isTrue();
    assertThat(allow.unparseableAddresses()).isEqualTo(2);
    DecisionEngine deny = engine(ConfigSnapshot.EMPTY, null, null, UnparseableAddressPolicy.DENY);
    assertThat(deny.check("", "x", null).outcome()).isEqualTo(Decision.Outcome.DENY);
  }

  @Test
  void check_recordsEveryParsedAccessWithItsOutcome() {
    AccessRing ring = new AccessRing(16);
    ConfigSnapshot s = snapshot(AppMode.OPEN, List.of(), List.of(entry("10.0.0.1", null, "")), List.of(), List.of());
    DecisionEngine e = engine(s, ring, null, UnparseableAddressPolicy.BY_MODE);
    e.check("10.0.0.1", "GET /a", "k1");
    clock.set(T0 + 1_500);
    e.check("2001:db8::1", "GET /b", null);
    e.check("bogus", "GET /c", null);
    List<String> seen = new ArrayList<>();
    ring.drain((v4, hi, lo, iface, caller, denied, at) -> seen.add(v4 + "/" + hi + "/" + lo + " " + iface + " " + caller + " " + denied + " @" + at), 10);
    assertThat(seen).as("each with the time it was decided at")
        .containsExactly("167772161/0/0 GET /a k1 true @" + T0, "-2/2306139568115548160/1 GET /b null false @" + (T0 + 1_500));
    assertThat(e.decisions(Decision.Outcome.DENY)).isEqualTo(1);
    assertThat(e.decisions(Decision.Outcome.ALLOW)).isEqualTo(2);
  }
}
