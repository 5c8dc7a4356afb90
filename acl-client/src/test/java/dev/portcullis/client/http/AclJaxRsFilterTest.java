package dev.portcullis.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.watch.SnapshotFile;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JAX-RS filter inside real Jersey (in memory, no HTTP): requests go through Jersey's matching and
 * filter chain to a real resource. The client runs from a snapshot file, with no servers.
 */
class AclJaxRsFilterTest {

  private static final String PEER = "test.peer";

  /** A resource counting the requests that reached it. */
  @Path("items")
  public static final class Items {
    static final AtomicInteger REACHED = new AtomicInteger();

    @GET
    @Path("{id: \\d+}")
    public String get(@PathParam("id") String id) {
      REACHED.incrementAndGet();
      return "item " + id;
    }

    @POST
    public String create() {
      REACHED.incrementAndGet();
      return "created";
    }
  }

  private AclClient client;
  private ApplicationHandler jersey;

  @BeforeEach
  void start() throws Exception {
    Items.REACHED.set(0);
    java.nio.file.Path file = Files.createTempFile("portcullis", ".snapshot");
    new SnapshotFile(file, new ConfigTreeCodec(new ConfigCodec())).write(new ConfigSnapshot(GlobalPolicy.DEFAULT,
        List.of(), List.of(new ListEntry(Cidr.parse("192.0.2.0/24"), null, "", "t", 1)), Map.of(), 1));
    // fixed clock: the local limit counts per calendar second (see AclServletFilterTest)
    client = AclClient.builder("shop").node("n1").snapshotFile(file).localLimitPerSecond(2)
        .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00.500Z"), ZoneOffset.UTC)).build();
    client.start();
    assertThat(client.awaitRules(Duration.ofSeconds(10))).as("the snapshot's rules in force").isTrue();
    ClientIpResolver proxies = new ClientIpResolver(List.of(Cidr.parse("10.0.0.0/8")));
    jersey = new ApplicationHandler(new ResourceConfig(Items.class)
        .register(new AclFeature(client, proxies, r -> (String) r.getProperty(PEER), null).withRateLimitHeaders()));
  }

  @AfterEach
  void stop() {
    client.close();
  }

  private ContainerResponse send(String method, String path, String peer, String xff) throws Exception {
    ContainerRequest request = new ContainerRequest(URI.create("http://localhost/"), URI.create("http://localhost" + path),
        method, null, new MapPropertiesDelegate(), null);
    request.setProperty(PEER, peer);
    if (xff != null) {
      request.header("X-Forwarded-For", xff);
    }
    return jersey.apply(request).get();
  }

  @Test
  void deniedGets403_limitedGets429WithRetryAfter_allowedReachesTheResource() throws Exception {
    ContainerResponse allowed = send("GET", "/items/7", "198.51.100.1", null);
    assertThat(allowed.getStatus()).isEqualTo(200);
    assertThat(allowed.getEntity()).isEqualTo("item 7");

    ContainerResponse denied = send("GET", "/items/8", "10.0.0.1", "192.0.2.5");
    assertThat(denied.getStatus()).as("a denylisted client behind a trusted proxy").isEqualTo(403);

    assertThat(send("POST", "/items", "198.51.100.1", null).getStatus()).isEqualTo(200);
    ContainerResponse limited = send("GET", "/items/9", "198.51.100.1", null);
    assertThat(limited.getStatus()).as("third request of one address in one second, limit 2").isEqualTo(429);
    assertThat(limited.getHeaderString("Retry-After")).isEqualTo("1");
    assertThat(limited.getHeaderString("RateLimit")).isEqualTo("\"portcullis\";r=0;t=1");

    assertThat(Items.REACHED.get()).isEqualTo(2);
  }

  @Test
  void aForwardedForHeaderFromAnUntrustedPeerIsIgnored() throws Exception {
    ContainerResponse spoofed = send("GET", "/items/7", "198.51.100.1", "192.0.2.5");
    assertThat(spoofed.getStatus()).as("the header names a denied address, but the peer is no proxy of ours")
        .isEqualTo(200);

    ContainerResponse spoofedPeer = send("GET", "/items/7", "192.0.2.9", "198.51.100.1");
    assertThat(spoofedPeer.getStatus()).as("a denied peer cannot hide behind a header it sets itself")
        .isEqualTo(403);
  }

  @Test
  void resourceMethodsAreNamedByTheirRouteTemplates() throws Exception {
    assertThat(AclFeature.routeName(Items.class, Items.class.getMethod("get", String.class)))
        .isEqualTo("GET /items/{id}");
    assertThat(AclFeature.routeName(Items.class, Items.class.getMethod("create"))).isEqualTo("POST /items");
  }
}
