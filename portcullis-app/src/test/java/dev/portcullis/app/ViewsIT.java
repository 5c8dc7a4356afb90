package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.address.IpAddress;
import dev.portcullis.client.AclClient;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.Quota;
import dev.portcullis.keys.KafkaKeys;
import dev.portcullis.notifier.operator.Role;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The views on a real stack, their values exact against generated traffic: requests per node (two
 * clients, and one of them stopping), quota usage of a caller, and the history of one address over
 * three minutes (access records written with their timestamps, as clients send them).
 */
class ViewsIT {

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private JsonNode get(DemoStack stack, String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.notifierPort(1) + path))
          .header("Authorization", "Bearer " + stack.token(Role.VIEWER)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
      return json.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode node(JsonNode nodes, String name) {
    for (JsonNode n : nodes.get("nodes")) {
      if (n.get("node").asText().equals(name)) {
        return n;
      }
    }
    return null;
  }

  @Test
  void perNodeSplits_quotaUsage_andAnAddressHistory_areExact() throws Exception {
    try (DemoStack stack = new DemoStack(DemoStack.Options.demo(), System.out::println).start()) {
      stack.store().setAppPolicy("shop", new AppPolicy(AppMode.OPEN, null, null,
          List.of(new Quota("*", "GET /export", 50)), false), stack.store().appPolicy("shop").version());
      AclClient a = stack.client("shop", "node-a:1");
      AclClient b = stack.client("shop", "node-b:1");
      Timeouts.await("both clients sending", Duration.ofSeconds(30),
          () -> a.status().configSynced() && b.status().configSynced());

      // per node: 300 requests through node-a, 200 through node-b, each from its own address
      for (int i = 0; i < 300; i++) {
        a.check("198.18.1." + (i % 250) + "", "GET /items");
      }
      for (int i = 0; i < 200; i++) {
        b.check("198.18.2." + (i % 200), "GET /items");
      }
      // quota: partner-7 used 30 of its 50 a day
      for (int i = 0; i < 30; i++) {
        a.check("198.18.3." + i, "GET /export", "partner-7");
      }
      Timeouts.await("the per-node counts", Duration.ofSeconds(60), () -> {
        JsonNode nodes = get(stack, "/api/nodes?app=shop");
        JsonNode na = node(nodes, "node-a:1");
        JsonNode nb = node(nodes, "node-b:1");
        return na != null && nb != null && na.get("last120s").asLong() == 330 && nb.get("last120s").asLong() == 200;
      });
      JsonNode nodes = get(stack, "/api/nodes?app=shop");
      assertThat(node(nodes, "node-a:1").get("registered").asBoolean()).isTrue();
      assertThat(node(nodes, "node-b:1").get("status").asText()).isEqualTo("reporting");

      Timeouts.await("partner-7's usage", Duration.ofSeconds(60),
          () -> get(stack, "/api/quotas?app=shop&caller=partner-7").get("usage").size() == 1
              && get(stack, "/api/quotas?app=shop&caller=partner-7").get("usage").get(0).get("used").asLong() == 30);
      JsonNode usage = get(stack, "/api/quotas?app=shop&caller=partner-7").get("usage").get(0);
      assertThat(usage.get("iface").asText()).isEqualTo("GET /export");
      assertThat(usage.get("limit").asLong()).isEqualTo(50);
      assertThat(usage.get("remaining").asLong()).isEqualTo(20);
      Timeouts.await("partner-7's hours", Duration.ofSeconds(30), () -> {
        long sum = 0;
        for (JsonNode h : get(stack, "/api/quotas?app=shop&caller=partner-7").get("usage").get(0).get("perHour")) {
          sum += h.asLong();
        }
        return sum == 30;
      });
      assertThat(get(stack, "/api/quotas?app=shop&caller=partner-7").get("usage").get(0).get("perHour")).hasSize(24);

      // node-b stops: its registration goes, and once 10 s pass without its requests it shows as stopped
      b.close();
      Timeouts.await("node-b shown as stopped", Duration.ofSeconds(60), () -> {
        JsonNode nb = node(get(stack, "/api/nodes?app=shop"), "node-b:1");
        return nb != null && nb.get("status").asText().equals("stopped reporting") && !nb.get("registered").asBoolean()
            && nb.get("last120s").asLong() == 200;
      });

      // one address over three minutes: records as a client writes them, with their own timestamps
      IpAddress ip = IpAddress.parse("203.0.113.77");
      long now = System.currentTimeMillis();
      long[][] records = {{now - 150_000, 100}, {now - 90_000, 200}, {now - 30_000, 300}, {now - 29_000, 7}};
      Map<Long, Long> perMinute = new TreeMap<>();
      Map<Long, Long> perSecond = new TreeMap<>();
      WireCodec codec = new WireCodec();
      try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", stack.kafkaBootstrap()),
          new StringSerializer(), new ByteArraySerializer())) {
        for (long[] r : records) {
          p.send(new ProducerRecord<>("acl.access", KafkaKeys.access("shop", ip),
              codec.write(new AccessEvent("shop", "GET /items", ip, null, r[0], r[1], 0, "gen:1")))).get();
          perMinute.merge(r[0] / 60_000, r[1], Long::sum);
          perSecond.merge(r[0] / 1000, r[1], Long::sum);
        }
      }
      Timeouts.await("the address's history", Duration.ofSeconds(60), () -> {
        JsonNode h = get(stack, "/api/history/address?ip=203.0.113.77&app=shop");
        return series(h.get("perMinute")).entrySet().containsAll(perMinute.entrySet());
      });
      JsonNode h = get(stack, "/api/history/address?ip=203.0.113.77&app=shop");
      Map<Long, Long> minutes = series(h.get("perMinute"));
      Map<Long, Long> seconds = series(h.get("perSecond"));
      assertThat(minutes).hasSize(60);
      minutes.forEach((m, n) -> assertThat(n).as("minute " + m).isEqualTo(perMinute.getOrDefault(m, 0L)));
      assertThat(seconds).hasSize(60);
      seconds.forEach((s, n) -> assertThat(n).as("second " + s).isEqualTo(perSecond.getOrDefault(s, 0L)));
      assertThat(seconds.values().stream().mapToLong(Long::longValue).sum()).as("the two records of the last minute")
          .isEqualTo(307);

      JsonNode top = get(stack, "/api/history/top?app=shop&window=minute&limit=3");
      JsonNode all = get(stack, "/api/history/top?window=minute&limit=3");
      for (JsonNode w : top.get("windows")) {
        Long expected = perMinute.get(w.get("start").asLong());
        if (expected != null) {
          assertThat(w.get("top").get(0).get("ip").asText()).isEqualTo("203.0.113.77");
          assertThat(w.get("top").get(0).get("count").asLong()).isEqualTo(expected);
        }
      }
      assertThat(all.get("windows")).as("across every app (only shop has traffic)").isEqualTo(top.get("windows"));
    }
  }

  private static Map<Long, Long> series(JsonNode pairs) {
    Map<Long, Long> m = new TreeMap<>();
    for (JsonNode p : pairs) {
      m.put(p.get(0).asLong(), p.get(1).asLong());
    }
    return m;
  }
}
