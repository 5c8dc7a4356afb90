package dev.portcullis.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.client.decide.AppRules;
import dev.portcullis.client.decide.RuleColumns;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.LimitEntry;
import dev.portcullis.config.ListEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader against the full one: for generated whole-tree documents (several apps, both
 * scopes, both families, nested and mapped blocks, lapsed and future expiries, notes with escapes),
 * the rules it reads for one app are exactly those of the parsed tree, in the same order, minus the
 * entries already lapsed; and what it reads it refuses as the full reader would, naming where.
 */
class SnapshotRulesReaderTest {

  private static final long NOW = 1_765_000_000_000L;
  private final ConfigCodec codec = new ConfigCodec();
  private final ConfigTreeCodec tree = new ConfigTreeCodec(codec);

  @Test
  void generatedTrees_readExactlyAsTheParsedTreeMinusLapsedEntries() {
    SplittableRandom rnd = new SplittableRandom(5);
    int compared = 0;
    for (int round = 0; round < 150; round++) {
      Map<String, AppConfig> apps = new LinkedHashMap<>();
      for (String app : List.of("api", "shop", "zeta")) {
        AppPolicy policy = new AppPolicy(rnd.nextBoolean() ? AppMode.OPEN : AppMode.CLOSED, 10L, null, List.of(), false);
        apps.put(app, new AppConfig(app, policy, List.of(new LimitEntry(Cidr.parse("192.0.2.0/24"), 5L, null)),
            entries(rnd), entries(rnd)));
      }
      // every other tree with limits for every app (which the client skips: the notifier judges them)
      ConfigSnapshot s = new ConfigSnapshot(GlobalPolicy.DEFAULT, entries(rnd), entries(rnd),
          round % 2 == 0 ? List.of() : List.of(new LimitEntry(Cidr.parse("198.51.100.0/24"), 7L, null)),
          round % 7 == 0 ? Map.of() : apps, round);
      byte[] doc = tree.write(s);
      ConfigSnapshot parsed = tree.read(doc, "test");
      AppRules expected = AppRules.of("shop", parsed);
      AppRules read = new SnapshotRulesReader("shop", codec).read(doc, NOW);
      assertThat(read.version()).isEqualTo(expected.version());
      assertThat(read.mode()).isEqualTo(expected.mode());
      assertThat(rows(read.allow())).isEqualTo(withoutLapsed(rows(expected.allow())));
      assertThat(rows(read.deny())).isEqualTo(withoutLapsed(rows(expected.deny())));
      compared += read.allow().size() + read.deny().size();
    }
    assertThat(compared).as("entries compared").isGreaterThan(5_000);
  }

  private static List<ListEntry> entries(SplittableRandom rnd) {
    Map<Cidr, ListEntry> out = new LinkedHashMap<>();
    int n = rnd.nextInt(40);
    for (int i = 0; i < n; i++) {
      Cidr c = switch (rnd.nextInt(4)) {
        case 0 -> Cidr.of(IpAddress.ofV4(rnd.nextInt()));
        case 1 -> Cidr.covering(IpAddress.ofV4(rnd.nextInt()), rnd.nextInt(33));
        case 2 -> Cidr.covering(IpAddress.ofV6(rnd.nextLong(), rnd.nextLong()), rnd.nextInt(129));
        default -> Cidr.parseLenient("::ffff:10.1.2.3/" + (96 + rnd.nextInt(33)));
      };
      Long expiry = switch (rnd.nextInt(3)) {
        case 0 -> null;
        case 1 -> NOW - rnd.nextInt(1000); // lapsed at NOW (an entry is inert from its expiry on)
        default -> NOW + 1 + rnd.nextInt(1000);
      };
      out.put(c, new ListEntry(c, expiry, rnd.nextBoolean() ? "" : "note \"" + i + "\" \\ é \u2028", "ops@example.com", 1));
    }
    return List.copyOf(out.values());
  }

  private static List<String> rows(RuleColumns c) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      rows.add(c.block(i) + " " + c.expiresAt(i) + " " + c.own(i));
    }
    return rows;
  }

  private static List<String> withoutLapsed(List<String> rows) {
    return rows.stream().filter(r -> {
      long e = Long.parseLong(r.split(" ")[1]);
      return e == 0 || e > NOW;
    }).toList();
  }

  private AppRules read(String json) {
    return new SnapshotRulesReader("shop", codec).read(json.getBytes(StandardCharsets.UTF_8), NOW);
  }

  @Test
  void whatItReadsItRefusesAsTheFullReaderWould_namingWhere() {
    String entry = "{\"cidr\":\"%s\",\"expiresAt\":null,\"note\":\"\",\"by\":\"x\",\"createdAt\":1}";
    assertThatThrownBy(() -> read("{\"v\":1,\"global\":{\"deny\":[" + entry.formatted("10.0.0.1/8") + "]}}"))
        .hasMessageContaining("global.deny[0]").hasMessageContaining("host bits").hasMessageContaining("10.0.0.0/8");
    assertThatThrownBy(() -> read("{\"v\":1,\"apps\":{\"shop\":{\"allow\":[" + entry.formatted("300.1.1.1") + "]}}}"))
        .hasMessageContaining("apps.shop.allow[0]");
    assertThatThrownBy(() -> read("{\"v\":1,\"global\":{\"deny\":[{\"cidr\":\"10.0.0.1\",\"colour\":1}]}}"))
        .hasMessageContaining("global.deny[0]: unknown field \"colour\"");
    assertThatThrownBy(() -> read("{\"v\":1,\"global\":{\"deny\":[{\"cidr\":\"10.0.0.1\",\"expiresAt\":\"soon\"}]}}"))
        .hasMessageContaining("global.deny[0].expiresAt");
    assertThatThrownBy(() -> read("{\"v\":1,\"global\":{\"deny\":[{\"note\":\"\"}]}}"))
        .hasMessageContaining("global.deny[0].cidr is required");
    assertThatThrownBy(() -> read("{\"v\":2}")).hasMessageContaining("v must be 1");
    assertThatThrownBy(() -> read("{\"v\":1,\"apps\":{\"shop\":{\"policy\":{\"mode\":\"AJAR\"}}}}"))
        .hasMessageContaining("mode");
    assertThatThrownBy(() -> read("{\"v\":1,\"global\":{\"deny\":[")).hasMessageContaining("not JSON")
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> read("{\"v\":1} {}")).hasMessageContaining("text after the document");
  }

  @Test
  void otherAppsAreNotRead_soTheirContentCannotStopThisApp() {
    AppRules r = read("{\"v\":1,\"version\":7,\"apps\":{\"other\":{\"whatever\":[1,2,{\"x\":null}]},"
        + "\"shop\":{\"policy\":{\"mode\":\"CLOSED\"},\"deny\":[{\"cidr\":\"2001:db8::/32\"}]}}}");
    assertThat(r.version()).isEqualTo(7);
    assertThat(r.mode()).isEqualTo(AppMode.CLOSED);
    assertThat(rows(r.deny())).containsExactly("2001:db8::/32 0 true");
  }
}
