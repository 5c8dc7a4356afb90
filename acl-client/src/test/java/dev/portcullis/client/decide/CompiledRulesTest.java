package dev.portcullis.client.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Lists with nested blocks in both scopes, some entries lapsed at the time of the lookup and not yet
 * compiled away: every lookup must equal a plain scan for the most specific entry in force (for the same
 * block, the app's entry over the global one), both the entry and its scope.
 */
class CompiledRulesTest {

  private static final long NOW = 1_700_000_000_000L;

  private record Scoped(ListEntry entry, boolean own) {}

  /** The reference: most specific active entry; for the same block the app's. */
  private static Scoped reference(List<Scoped> all, IpAddress ip, long now) {
    Scoped best = null;
    for (Scoped s : all) {
      ListEntry e = s.entry();
      if (!e.cidr().contains(ip) || (e.expiresAt() != null && now >= e.expiresAt())) {
        continue;
      }
      if (best == null || e.cidr().prefix() > best.entry().cidr().prefix()
          || (e.cidr().prefix() == best.entry().cidr().prefix() && s.own() && !best.own())) {
        best = s;
      }
    }
    return best;
  }

  @Test
  void lapsedEntriesFallBackToTheMostSpecificEntryStillInForce_inEitherScope() {
    SplittableRandom rnd = new SplittableRandom(11);
    int checked = 0;
    int fellBack = 0;
    for (int round = 0; round < 40; round++) {
      // blocks nested inside 10.0.0.0/8 and 2001:db8::/32, so that many contain one another
      Map<Cidr, ListEntry> global = new LinkedHashMap<>();
      Map<Cidr, ListEntry> app = new LinkedHashMap<>();
      for (int i = 0; i < 120; i++) {
        Cidr c = i % 4 == 3
            ? Cidr.covering(IpAddress.ofV6(0x2001_0db8_0000_0000L | rnd.nextLong(1 << 8), rnd.nextLong(4)), 32 + rnd.nextInt(97))
            : Cidr.covering(IpAddress.ofV4(0x0A00_0000 | rnd.nextInt(1 << 12)), 8 + rnd.nextInt(25));
        Long expiry = switch (rnd.nextInt(3)) {
          case 0 -> null;
          case 1 -> NOW - 1 - rnd.nextInt(1000); // lapsed, not yet compiled away
          default -> NOW + 1 + rnd.nextInt(1000);
        };
        (rnd.nextBoolean() ? global : app).put(c, new ListEntry(c, expiry, "r" + round + "-" + i, "test", 1));
      }
      ConfigSnapshot snapshot = new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(), List.copyOf(global.values()),
          Map.of("shop", new AppConfig("shop", AppPolicy.DEFAULT, List.of(), List.of(), List.copyOf(app.values()))), 1);
      // compiled before the lapses, as a client holds its tables until the recompile
      CompiledRules rules = CompiledRules.compile("shop", snapshot);
      List<Scoped> all = new ArrayList<>();
      global.values().forEach(e -> all.add(new Scoped(e, false)));
      app.values().forEach(e -> all.add(new Scoped(e, true)));
      long[] v6 = new long[2];
      for (int q = 0; q < 400; q++) {
        IpAddress ip = q % 4 == 3
            ? IpAddress.ofV6(0x2001_0db8_0000_0000L | rnd.nextLong(1 << 8), rnd.nextLong(4))
            : IpAddress.ofV4(0x0A00_0000 | rnd.nextInt(1 << 12));
        long v4 = Addresses.parse(ip.toString(), v6);
        Decision d = rules.deny(v4, v6, NOW);
        Scoped expected = reference(all, ip, NOW);
        Scoped mostSpecific = reference(all, ip, Long.MIN_VALUE); // ignoring expiry
        if (expected == null) {
          assertThat(d).as("%s", ip).isNull();
        } else {
          assertThat(d).as("%s", ip).isNotNull();
          ListEntry e = expected.entry();
          assertThat(d.source()).as("%s", ip).isEqualTo(new ListedBlock(e.cidr(), false, expected.own() ? "shop" : "global",
              e.expiresAt() == null ? 0 : e.expiresAt()));
          assertThat(d.detail()).as("%s", ip).contains("(" + (expected.own() ? "shop" : "global") + ")");
          checked++;
        }
        if (mostSpecific != null && mostSpecific != expected) {
          fellBack++;
        }
      }
    }
    assertThat(checked).as("lookups that found an entry").isGreaterThan(3_000);
    assertThat(fellBack).as("lookups whose most specific entry had lapsed").isGreaterThan(1_000);
  }
}
