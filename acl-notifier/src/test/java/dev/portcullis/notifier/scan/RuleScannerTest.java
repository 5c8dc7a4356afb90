package dev.portcullis.notifier.scan;

import static dev.portcullis.notifier.fixtures.Configs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.address.Cidr;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.Quota;
import dev.portcullis.notifier.fixtures.InMemoryWindows;
import dev.portcullis.notifier.scan.WindowReader.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleScannerTest {

  private static final long NOW = 1_763_880_000_500L; // half a second into a second
  private static final long SEC = NOW / 1000;
  private static final long MIN = NOW / 60_000;
  private static final int DAY = 20251123;

  private final InMemoryWindows windows = new InMemoryWindows();
  private final RuleScanner scanner = new RuleScanner(windows, null, null);

  private List<Breach> scan(ConfigSnapshot c) {
    return scanner.scan("shop", c, NOW);
  }

  @Test
  void limits_appPlusIpBeatsAppDefaultBeatsGlobalDefault() {
    ConfigSnapshot c = config().global(50L, null).app("shop", 30L, null).limit("shop", "198.51.100.7", 5L, null).build();
    windows.put("shop", Kind.SECOND, SEC, "198.51.100.7", 6)    // over its own limit of 5
        .put("shop", Kind.SECOND, SEC, "198.51.100.8", 31)       // over the app default of 30
        .put("shop", Kind.SECOND, SEC, "198.51.100.9", 30);      // at the app default: not a breach
    assertThat(scan(c)).extracting(b -> b.target().toString(), Breach::limit, Breach::rule).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("198.51.100.7/32", 5L, "shop 198.51.100.7/32"),
        org.assertj.core.groups.Tuple.tuple("198.51.100.8/32", 30L, "shop default"));
  }

  @Test
  void limits_appPlusIpThenAppDefaultThenGlobalPlusIpThenGlobalDefault() {
    ConfigSnapshot c = config().global(50L, null).limit(null, "203.0.113.0/24", 5L, null)
        .limit("blog", "203.0.113.50", 100L, null).app("news", 40L, null).build();
    for (String app : List.of("shop", "blog", "news")) {
      windows.put(app, Kind.SECOND, SEC, "203.0.113.50", 10).put(app, Kind.SECOND, SEC, "198.51.100.1", 10);
    }
    assertThat(scanner.scan("shop", c, NOW)).as("global+IP applies in an app without limits of its own")
        .extracting(b -> b.target().toString(), Breach::limit, Breach::rule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("203.0.113.50/32", 5L, "global 203.0.113.0/24"));
    assertThat(scanner.scan("blog", c, NOW)).as("the app's entry for the address wins").isEmpty();
    assertThat(scanner.scan("news", c, NOW)).as("the app's default wins over the global entry").isEmpty();
    assertThat(c.limitFor("news", dev.portcullis.address.IpAddress.parse("203.0.113.50")).rule()).isEqualTo("news default");
    assertThat(c.limitFor("shop", dev.portcullis.address.IpAddress.parse("198.51.100.1")).rule()).isEqualTo("global default");
  }

  @Test
  void limits_withoutAppLimitsTheGlobalDefaultApplies() {
    ConfigSnapshot c = config().global(50L, null).build();
    windows.put("shop", Kind.SECOND, SEC - 1, "203.0.113.7", 51).put("shop", Kind.SECOND, SEC, "203.0.113.8", 50);
    List<Breach> breaches = scan(c);
    assertThat(breaches).singleElement().satisfies(b -> {
      assertThat(b.target()).isEqualTo(Cidr.parse("203.0.113.7/32"));
      assertThat(b.rule()).isEqualTo("global default");
      assertThat(b.windowStart()).isEqualTo(SEC - 1);
      assertThat(b.reason()).isEqualTo("51 req/s > 50 req/s (global default)");
    });
  }

  @Test
  void limits_aHigherSpecificLimitLetsAHeavyAddressThrough() {
    ConfigSnapshot c = config().global(50L, null).limit("shop", "192.0.2.0/24", 1000L, null).build();
    windows.put("shop", Kind.SECOND, SEC, "192.0.2.10", 900);
    assertThat(scan(c)).isEmpty();
  }

  @Test
  void perMinute_windowsAreJudgedByPerMinuteLimits() {
    ConfigSnapshot c = config().global(null, 600L).build();
    windows.put("shop", Kind.MINUTE, MIN, "2001:db8::1", 601).put("shop", Kind.SECOND, SEC, "2001:db8::2", 10_000);
    assertThat(scan(c)).singleElement().satisfies(b -> {
      assertThat(b.window()).isEqualTo("1m");
      assertThat(b.target()).isEqualTo(Cidr.parse("2001:db8::1/128"));
      assertThat(b.reason()).isEqualTo("601 req/min > 600 req/min (global default)");
    });
  }

  @Test
  void olderWindowsThanTheLastCompleteOneAreNotJudged() {
    ConfigSnapshot c = config().global(50L, null).build();
    windows.put("shop", Kind.SECOND, SEC - 2, "203.0.113.7", 500);
    assertThat(scan(c)).isEmpty();
  }

  @Test
  void prefixSeconds_areJudgedBackOverTheLookback_forTheyCompleteOneAggregatorCommitLate() {
    RuleScanner withPrefixes = new RuleScanner(windows, 500L, null, 4);
    windows.put("shop", Kind.PREFIX_SECOND, SEC - 4, "198.51.100.0/24", 501)
        .put("shop", Kind.PREFIX_SECOND, SEC - 5, "203.0.113.0/24", 9_000);
    assertThat(withPrefixes.scan("shop", config().global(null, null).build(), NOW))
        .extracting(b -> b.target().toString(), Breach::windowStart)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("198.51.100.0/24", SEC - 4));
  }

  @Test
  void prefixes_overThePrefixLimitAreBreachesOfTheBlock() {
    RuleScanner withPrefixes = new RuleScanner(windows, 500L, 5000L);
    windows.put("shop", Kind.PREFIX_SECOND, SEC, "198.51.100.0/24", 501)
        .put("shop", Kind.PREFIX_MINUTE, MIN, "2001:db8:1::/64", 5001)
        .put("shop", Kind.PREFIX_SECOND, SEC, "not-a-block", 9999);
    List<Breach> breaches = withPrefixes.scan("shop", config().global(null, null).build(), NOW);
    assertThat(breaches).extracting(b -> b.target().toString(), Breach::window, Breach::rule).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("198.51.100.0/24", "1s", "prefix"),
        org.assertj.core.groups.Tuple.tuple("2001:db8:1::/64", "1m", "prefix"));
  }

  @Test
  void prefixHierarchy_aRotationOfSlash64sInsideOneSlash48_isABreachOfTheSlash48ByItsPolicyLimit() {
    // 2,400 req/s from one /48, spread over /64s that each stay far under any limit
    windows.put("shop", Kind.PREFIX_SECOND, SEC, "2001:db8:7::/48", 2_400)
        .put("shop", Kind.PREFIX_SECOND, SEC, "2001:db8:7::/56", 40)
        .put("shop", Kind.PREFIX_SECOND, SEC, "2001:db8:7:1::/64", 3)
        .put("shop", Kind.PREFIX_SECOND, SEC, "2001:db8:9::/48", 1_500); // a neighbour under the limit
    ConfigSnapshot c = config().global(null, null).prefixLimit(null, "ipv6/48", 2_000L, null).build();
    assertThat(scanner.scan("shop", c, NOW)).singleElement().satisfies(b -> {
      assertThat(b.target()).isEqualTo(Cidr.parse("2001:db8:7::/48"));
      assertThat(b.reason()).isEqualTo("2400 req/s > 2000 req/s (global prefix ipv6/48)");
    });
    ConfigSnapshot own = config().global(null, null).prefixLimit(null, "ipv6/48", 2_000L, null)
        .prefixLimit("shop", "ipv6/48", 5_000L, null).build();
    assertThat(scanner.scan("shop", own, NOW)).as("the app's own limit for the length wins").isEmpty();
    ConfigSnapshot other = config().global(null, null).prefixLimit(null, "ipv6/48", 2_000L, null)
        .prefixLimit("shop", "ipv6/56", 30L, null).build();
    assertThat(scanner.scan("shop", other, NOW)).as("an app's limit for another length leaves the global one")
        .extracting(b -> b.target().toString(), Breach::rule).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("2001:db8:7::/48", "global prefix ipv6/48"),
            org.assertj.core.groups.Tuple.tuple("2001:db8:7::/56", "shop prefix ipv6/56"));
  }

  @Test
  void prefixHierarchy_aSlash48OverItsLimitInTheTasksSharesAlone_isABreachBeforeItsOwnWindowHasTheRequests() {
    // the /48's shares, counted by three worker tasks and flushed with the addresses; its own window
    // (summed in its home task, a commit later) has only part of the second yet
    windows.putShare("shop", SEC, "2001:db8:7::/48", "0_1", 900)
        .putShare("shop", SEC, "2001:db8:7::/48", "0_4", 800)
        .putShare("shop", SEC, "2001:db8:7::/48", "0_9", 700)
        .putShare("shop", SEC, "2001:db8:9::/48", "0_2", 1_900) // a neighbour under the limit
        .putShare("shop", SEC, "2001:db8:9::/48", "0_5", 50)
        .put("shop", Kind.PREFIX_SECOND, SEC, "2001:db8:7::/48", 600);
    ConfigSnapshot c = config().global(null, null).prefixLimit(null, "ipv6/48", 2_000L, null).build();
    assertThat(scanner.scan("shop", c, NOW)).singleElement().satisfies(b -> {
      assertThat(b.target()).isEqualTo(Cidr.parse("2001:db8:7::/48"));
      assertThat(b.reason()).isEqualTo("2400 req/s > 2000 req/s (global prefix ipv6/48)");
    });
  }

  @Test
  void prefixHierarchy_aWindowAheadOfTheShares_isJudgedByTheWindow_andSharesOlderThanTheLastTwoSecondsAreNotRead() {
    windows.putShare("shop", SEC - 1, "2001:db8:7::/48", "0_1", 1_000) // a task whose share is behind
        .put("shop", Kind.PREFIX_SECOND, SEC - 1, "2001:db8:7::/48", 2_100)
        .putShare("shop", SEC - 3, "2001:db8:8::/48", "0_1", 5_000); // the window has it by then, or not at all
    ConfigSnapshot c = config().global(null, null).prefixLimit(null, "ipv6/48", 2_000L, null).build();
    assertThat(scanner.scan("shop", c, NOW)).singleElement().satisfies(b -> {
      assertThat(b.target()).isEqualTo(Cidr.parse("2001:db8:7::/48"));
      assertThat(b.count()).isEqualTo(2_100);
    });
  }

  @Test
  void prefixHierarchy_theNotifiersOwnPrefixLimitsApplyOnlyToSlash24AndSlash64() {
    RuleScanner withPrefixes = new RuleScanner(windows, 500L, null);
    windows.put("shop", Kind.PREFIX_SECOND, SEC, "198.51.0.0/16", 900) // a /16 is far busier than one /24
        .put("shop", Kind.PREFIX_SECOND, SEC, "2001:db8:7::/48", 900)
        .put("shop", Kind.PREFIX_SECOND, SEC, "198.51.100.0/24", 501);
    assertThat(withPrefixes.scan("shop", config().global(null, null).build(), NOW))
        .extracting(b -> b.target().toString()).containsExactly("198.51.100.0/24");
    ConfigSnapshot c = config().global(null, null).prefixLimit(null, "ipv4/16", 800L, null)
        .prefixLimit(null, "ipv4/24", 600L, null).build();
    assertThat(withPrefixes.scan("shop", c, NOW)).as("a policy's /24 limit replaces the notifier's")
        .extracting(b -> b.target().toString(), Breach::rule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("198.51.0.0/16", "global prefix ipv4/16"));
  }

  @Test
  void prefixes_theTrafficOfAllowlistedAddressesInsideThemDoesNotCount() {
    RuleScanner withPrefixes = new RuleScanner(windows, 500L, null);
    windows.put("shop", Kind.PREFIX_SECOND, SEC, "198.51.100.0/24", 700)
        .put("shop", Kind.SECOND, SEC, "198.51.100.7", 400) // a monitor, allowlisted for this app
        .put("shop", Kind.PREFIX_SECOND, SEC, "203.0.113.0/24", 1_000)
        .put("shop", Kind.SECOND, SEC, "203.0.113.9", 300); // allowlisted globally; the rest of its /24 is still over
    ConfigSnapshot c = config().global(null, null).allow("shop", "198.51.100.7").allow(null, "203.0.113.9").build();
    List<Breach> breaches = withPrefixes.scan("shop", c, NOW);
    assertThat(breaches).singleElement().satisfies(b -> {
      assertThat(b.target()).isEqualTo(Cidr.parse("203.0.113.0/24"));
      assertThat(b.count()).as("the evidence leaves the allowlisted address out").isEqualTo(700);
    });
    assertThat(withPrefixes.scan("shop", config().global(null, null).build(), NOW)).as("without the allow entries")
        .extracting(Breach::target).containsExactlyInAnyOrder(Cidr.parse("198.51.100.0/24"), Cidr.parse("203.0.113.0/24"));
  }

  @Test
  void membersThatAreNotAddresses_areSkipped() {
    windows.put("shop", Kind.SECOND, SEC, "garbage", 1000).put("shop", Kind.SECOND, SEC, "10.0.0.1", 51);
    assertThat(scan(config().global(50L, null).build())).extracting(Breach::target).containsExactly(Cidr.parse("10.0.0.1/32"));
  }

  @Test
  void noLimitAnywhere_asksNothingAndFindsNothing() {
    windows.put("shop", Kind.SECOND, SEC, "10.0.0.1", 1_000_000);
    assertThat(scan(config().global(null, null).build())).isEmpty();
  }

  @Test
  void quotas_theLowestMatchingQuotaJudgesEachCallerOnEachInterface() {
    ConfigSnapshot c = config().app("shop", null, null,
        new Quota("*", "GET /export", 100), new Quota("partner-42", "*", 1000)).build();
    windows.put("shop", Kind.QUOTA_DAY, DAY, "partner-42|GET /export", 101)   // 100 applies (lower than 1000)
        .put("shop", Kind.QUOTA_DAY, DAY, "partner-42|GET /items", 999)        // 1000 applies: under
        .put("shop", Kind.QUOTA_DAY, DAY, "partner-7|GET /items", 5000)         // no quota matches
        .put("shop", Kind.QUOTA_DAY, DAY, "not a member", 5000);
    List<QuotaBreach> breaches = scanner.scanQuotas("shop", c, NOW);
    assertThat(breaches).singleElement().satisfies(b -> {
      assertThat(b.caller()).isEqualTo("partner-42");
      assertThat(b.iface()).isEqualTo("GET /export");
      assertThat(b.count()).isEqualTo(101);
      assertThat(b.day()).isEqualTo(DAY);
      assertThat(b.perDay()).isEqualTo(100);
      assertThat(b.endOfDay()).isEqualTo(1_763_942_400_000L); // 2025-11-24T00:00Z
    });
  }

  @Test
  void quotas_noneConfigured_findNothing() {
    windows.put("shop", Kind.QUOTA_DAY, DAY, "partner-42|GET /export", 1_000_000);
    assertThat(scanner.scanQuotas("shop", config().app("shop", null, null).build(), NOW)).isEmpty();
  }

  @Test
  void lateSeconds_aBreachInASecondTheScansPassedBeforeItWasWritten_isFoundByTheLateScan() {
    ConfigSnapshot c = config().global(50L, null).build();
    windows.put("shop", Kind.SECOND, SEC - 20, "203.0.113.7", 51).put("shop", Kind.SECOND, SEC - 20, "203.0.113.8", 50)
        .put("shop", Kind.SECOND, SEC - 2, "198.51.100.9", 60);
    assertThat(scan(c)).as("the scan judges the current second and the one before only").isEmpty();
    assertThat(scanner.scanLate("shop", c, NOW)).extracting(b -> b.target().toString(), Breach::windowStart)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("203.0.113.7/32", SEC - 20),
            org.assertj.core.groups.Tuple.tuple("198.51.100.9/32", SEC - 2));
  }

  @Test
  void lateSeconds_aWidePrefixOverItsLimitInAnOldSecond_isFound_andTheSecondsTheScanJudgesAreNotJudgedTwice() {
    ConfigSnapshot c = config().global(1_000L, null).prefixLimit(null, "ipv6/48", 500L, null).build();
    windows.put("shop", Kind.PREFIX_SECOND, SEC - 25, "2001:db8:7::/48", 3_000)
        .put("shop", Kind.PREFIX_SECOND, SEC - RuleScanner.DEFAULT_PREFIX_LOOKBACK, "2001:db8:8::/48", 3_000)
        .put("shop", Kind.SECOND, SEC - 1, "198.51.100.1", 5_000)
        .put("shop", Kind.SECOND, SEC, "198.51.100.2", 5_000);
    assertThat(scanner.scanLate("shop", c, NOW)).singleElement().satisfies(b -> {
      assertThat(b.target()).isEqualTo(Cidr.parse("2001:db8:7::/48"));
      assertThat(b.windowStart()).isEqualTo(SEC - 25);
    });
    assertThat(scan(c)).extracting(b -> b.target().toString())
        .containsExactlyInAnyOrder("2001:db8:8::/48", "198.51.100.1/32", "198.51.100.2/32");
  }

  @Test
  void lateSeconds_reachBackLateLookbackSecondsAndNoFurther_andZeroTurnsThemOff() {
    ConfigSnapshot c = config().global(50L, null).build();
    windows.put("shop", Kind.SECOND, SEC - 10, "203.0.113.7", 51).put("shop", Kind.SECOND, SEC - 11, "203.0.113.8", 51);
    assertThat(new RuleScanner(windows, null, null, 4, 10).scanLate("shop", c, NOW)).extracting(b -> b.target().toString())
        .containsExactly("203.0.113.7/32");
    assertThat(new RuleScanner(windows, null, null, 4, 0).scanLate("shop", c, NOW)).isEmpty();
    assertThatThrownBy(() -> new RuleScanner(windows, null, null, 4, 61))
        .hasMessageContaining("lateLookbackSeconds must be 0 to 60, was 61");
  }
}
