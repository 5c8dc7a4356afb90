package dev.portcullis.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.notifier.api.ApiErrors;
import dev.portcullis.notifier.api.AppResource;
import dev.portcullis.notifier.api.ChangeAudit;
import dev.portcullis.notifier.api.OperatorAuthFilter;
import dev.portcullis.notifier.fixtures.Operators;
import dev.portcullis.notifier.api.TrafficResource;
import dev.portcullis.notifier.fixtures.FakeClock;
import dev.portcullis.notifier.fixtures.InMemoryWindows;
import dev.portcullis.notifier.scan.WindowReader.Kind;
import dev.portcullis.servers.ZooKeeper;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.NodeRegistration;
import dev.portcullis.wire.WireCodec;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The per-app API (top, rate, policy, limits) and the app list with live nodes, over the real ZooKeeper store. */
@ExtendWith({RealServers.class, DropwizardExtensionsSupport.class})
@SuppressWarnings("unchecked") // the JSON bodies are read as maps and lists of objects
class AppResourceIT {

  private static final long SEC = FakeClock.T0 / 1000;

  private final FakeClock clock = new FakeClock(FakeClock.T0 + 300);
  private final InMemoryWindows windows = new InMemoryWindows();
  private final List<AuditRecord> audits = new CopyOnWriteArrayList<>();
  private final CuratorFramework curator;
  private final ConfigStore store;
  private final ResourceExtension api;

  AppResourceIT(ZooKeeper zk) {
    curator = ZkAccess.open(zk.connectString()).newClient();
    curator.start();
    ConfigCodec codec = new ConfigCodec();
    store = new ConfigStore(curator, new ZkPaths("/app-api-it-" + System.nanoTime()), codec, ZkAccess.open(zk.connectString()));
    api = ResourceExtension.builder()
        .addResource(new AppResource(store, codec, windows, new ChangeAudit(audits::add, clock), clock))
        .addResource(new TrafficResource(store, curator, windows))
        .addProvider(new OperatorAuthFilter(Operators.tokens(tmp()), true))
        .setClientConfigurator(c -> c.register(Operators.asAdminByDefault()))
        .addProvider(new ApiErrors.BadInput())
        .addProvider(new ApiErrors.Conflict())
        .build();
  }

  private static java.nio.file.Path tmp() {
    try {
      return java.nio.file.Files.createTempDirectory("operators");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void close() {
    curator.close();
  }

  private static String error(Response r) {
    return r.readEntity(new GenericType<Map<String, Object>>() {}).get("error").toString();
  }

  @Test
  void top_readsTheLastCompleteSecondHighestFirst() {
    windows.put("shop", Kind.SECOND, SEC - 1, "203.0.113.66", 84).put("shop", Kind.SECOND, SEC - 1, "10.0.0.1", 3)
        .put("shop", Kind.SECOND, SEC, "10.0.0.9", 1_000); // the current second is not complete: not shown
    Map<String, Object> top = api.target("/api/apps/shop/top").queryParam("limit", 5).request().get(new GenericType<>() {});
    assertThat(top).containsEntry("windowStart", (int) (SEC - 1));
    assertThat((List<Object>) top.get("top")).containsExactly(Map.of("ip", "203.0.113.66", "count", 84),
        Map.of("ip", "10.0.0.1", "count", 3));
  }

  @Test
  void top_prefixesPerMinute() {
    windows.put("shop", Kind.PREFIX_MINUTE, FakeClock.T0 / 60_000, "198.51.100.0/24", 9_000);
    Map<String, Object> top = api.target("/api/apps/shop/top").queryParam("window", "minute").queryParam("prefix", true)
        .request().get(new GenericType<>() {});
    assertThat((List<Object>) top.get("top")).containsExactly(Map.of("prefix", "198.51.100.0/24", "count", 9_000));
  }

  @Test
  void rate_isTheAppsTotalPerSecondOldestFirst() {
    windows.putTotal("shop", SEC - 2, 40).putTotal("shop", SEC - 1, 55);
    Map<String, Object> rate = api.target("/api/apps/shop/rate").queryParam("seconds", 3).request().get(new GenericType<>() {});
    assertThat((List<Object>) rate.get("perSecond")).containsExactly(List.of((int) (SEC - 3), 0), List.of((int) (SEC - 2), 40),
        List.of((int) (SEC - 1), 55));
  }

  @Test
  void badQueries_are400NamingTheParameter() {
    Response window = api.target("/api/apps/shop/top").queryParam("window", "hour").request().get();
    assertThat(window.getStatus()).isEqualTo(400);
    assertThat(error(window)).isEqualTo("window must be second or minute, was hour");
    assertThat(error(api.target("/api/apps/shop/top").queryParam("limit", 0).request().get())).isEqualTo("limit must be 1-1000, was 0");
    assertThat(error(api.target("/api/apps/shop/rate").queryParam("seconds", 601).request().get()))
        .isEqualTo("seconds must be 1-600, was 601");
    assertThat(error(api.target("/api/apps/Not_An_App/top").request().get())).contains("app must be");
  }

  @Test
  void policyAndLimits_areWrittenAuditedAndRemovedOnce() {
    Response put = api.target("/api/apps/proxy/policy").request()
        .put(Entity.entity("{\"mode\":\"CLOSED\"}", MediaType.APPLICATION_JSON));
    assertThat(put.getStatus()).isEqualTo(200);
    assertThat(put.readEntity(String.class)).contains("\"mode\":\"CLOSED\"");
    Response bad = api.target("/api/apps/proxy/policy").request()
        .put(Entity.entity("{\"mode\":\"AJAR\"}", MediaType.APPLICATION_JSON));
    assertThat(bad.getStatus()).isEqualTo(400);
    assertThat(error(bad)).contains("mode");
    Response limit = api.target("/api/apps/shop/limits").request()
        .put(Entity.entity("{\"cidr\":\"198.51.100.7\",\"limitPerSecond\":5}", MediaType.APPLICATION_JSON));
    assertThat(limit.getStatus()).isEqualTo(200);
    assertThat(api.target("/api/apps/shop/limits").request().get(String.class)).contains("198.51.100.7/32");
    assertThat(api.target("/api/apps/shop/limits").queryParam("cidr", "198.51.100.7").request().delete().getStatus())
        .isEqualTo(204);
    Response again = api.target("/api/apps/shop/limits").queryParam("cidr", "198.51.100.7").request().delete();
    assertThat(again.getStatus()).isEqualTo(404);
    assertThat(error(again)).isEqualTo("shop has no limit for 198.51.100.7/32");
    assertThat(audits).hasSize(3);
  }

  @Test
  void apps_listTheirLiveNodes() throws Exception {
    store.setAppPolicy("shop", dev.portcullis.config.AppPolicy.DEFAULT, dev.portcullis.config.store.Versioned.ABSENT);
    curator.create().creatingParentsIfNeeded().forPath(store.paths().node("shop", "shop-1:8080"),
        new WireCodec().write(new NodeRegistration("shop", "shop-1:8080", "0.1.0", FakeClock.T0)));
    List<Map<String, Object>> apps = api.target("/api/apps").request().get(new GenericType<>() {});
    assertThat(apps).singleElement().satisfies(a -> {
      assertThat(a).containsEntry("app", "shop");
      assertThat((List<?>) a.get("nodes")).singleElement()
          .isEqualTo(Map.of("node", "shop-1:8080", "version", "0.1.0", "startedAt", FakeClock.T0));
    });
  }
}
