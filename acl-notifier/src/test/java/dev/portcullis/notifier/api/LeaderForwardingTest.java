package dev.portcullis.notifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.config.BlastRadius;
import dev.portcullis.notifier.fixtures.FakeClock;
import dev.portcullis.notifier.fixtures.MapHistory;
import dev.portcullis.notifier.fixtures.MapReleases;
import dev.portcullis.notifier.fixtures.Operators;
import dev.portcullis.notifier.fixtures.RecordingSink;
import dev.portcullis.notifier.intercept.InterceptBook;
import dev.portcullis.notifier.intercept.SafetyValve;
import dev.portcullis.notifier.leader.Leadership;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A standby's intercept writes go to the leader: the standby (on in-memory Jersey, with the API's auth
 * filter) forwards them to a stand-in leader listening on loopback and relays its answer.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LeaderForwardingTest {

  /** What the stand-in leader received. */
  private record Received(String method, String pathAndQuery, String auth, String forwardedBy, String contentType,
      String body) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final HttpServer leader = startLeader();
  private final AtomicReference<String> leaderUrl = new AtomicReference<>("http://127.0.0.1:" + leader.getAddress().getPort());
  private final FakeClock clock = new FakeClock();
  private final RecordingSink sink = new RecordingSink();
  private final InterceptBook book = new InterceptBook(clock, sink, new MapHistory(), new MapReleases(),
      new SafetyValve(100, 16, 48), () -> "id-1");
  private final Leadership standby = new Leadership() {
    @Override
    public boolean isLeader() {
      return false;
    }

    @Override
    public String leaderId() {
      return "notifier-a";
    }

    @Override
    public String leaderUrl() {
      return leaderUrl.get();
    }

    @Override
    public String notServingReason() {
      return "this notifier is a standby";
    }
  };

  private final ResourceExtension api = ResourceExtension.builder()
      .addResource(new InterceptsResource(book, standby, clock, BlastRadius.DEFAULT, List::of,
          new LeaderForwarding(standby, "notifier-b", Duration.ofSeconds(2))))
      .addProvider(new ApiErrors.BadInput())
      .addProvider(new OperatorAuthFilter(Operators.tokens(tmp()), true))
      .build();

  private HttpServer startLeader() {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      s.createContext("/", ex -> {
        byte[] in = ex.getRequestBody().readAllBytes();
        received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().toString(),
            ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst(LeaderForwarding.FORWARDED_BY),
            ex.getRequestHeaders().getFirst("Content-Type"), new String(in, StandardCharsets.UTF_8)));
        byte[] out = "{\"id\":\"made-by-the-leader\"}".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders("DELETE".equals(ex.getRequestMethod()) ? 404 : 201, out.length);
        ex.getResponseBody().write(out);
        ex.close();
      });
      s.start();
      return s;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void stopLeader() {
    leader.stop(0);
  }

  @Test
  void aWriteOnAStandby_isMadeByTheLeader_withTheCallersToken_andItsAnswerRelayed() {
    String body = "{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"reason\":\"x\"}";
    Response r = api.target("/api/intercepts").request().header("Authorization", "Bearer " + Operators.OPERATOR)
        .post(Entity.entity(body, MediaType.APPLICATION_JSON));

    assertThat(r.getStatus()).isEqualTo(201);
    assertThat(r.getHeaderString(LeaderForwarding.SERVED_BY)).isEqualTo("notifier-a");
    assertThat(r.readEntity(String.class)).isEqualTo("{\"id\":\"made-by-the-leader\"}");
    assertThat(received).containsExactly(new Received("POST", "/api/intercepts", "Bearer " + Operators.OPERATOR,
        "notifier-b", "application/json", body));
    assertThat(sink.published).as("the standby's own book is not touched").isEmpty();
  }

  @Test
  void aRelease_isForwardedWithItsQuery_andTheLeaders404Relayed() {
    Response r = api.target("/api/intercepts").queryParam("app", "shop").queryParam("caller", "partner 42")
        .queryParam("iface", "GET /export").request().header("Authorization", "Bearer " + Operators.OPERATOR).delete();

    assertThat(r.getStatus()).isEqualTo(404);
    assertThat(received).singleElement().satisfies(x -> {
      assertThat(x.method()).isEqualTo("DELETE");
      assertThat(x.pathAndQuery()).isEqualTo("/api/intercepts?app=shop&caller=partner+42&iface=GET+%2Fexport");
    });
  }

  @Test
  void aWriteWithoutAWritersToken_isRefusedByTheStandby_andNotForwarded() {
    Response r = api.target("/api/intercepts").request().header("Authorization", "Bearer " + Operators.VIEWER)
        .post(Entity.entity("{}", MediaType.APPLICATION_JSON));

    assertThat(r.getStatus()).isEqualTo(403);
    assertThat(received).isEmpty();
  }

  @Test
  void aWriteThatWasForwardedAlready_is503_notForwardedAgain() {
    Response r = api.target("/api/intercepts").request().header("Authorization", "Bearer " + Operators.OPERATOR)
        .header(LeaderForwarding.FORWARDED_BY, "notifier-c").post(Entity.entity("{}", MediaType.APPLICATION_JSON));

    assertThat(r.getStatus()).isEqualTo(503);
    assertThat(error(r)).contains("forwarded by notifier-c", "does not lead either", "notifier-a");
    assertThat(received).isEmpty();
  }

  @Test
  void aLeaderThatDoesNotAnswer_is503NamingIt() {
    leader.stop(0);
    Response r = api.target("/api/intercepts").request().header("Authorization", "Bearer " + Operators.OPERATOR)
        .post(Entity.entity("{}", MediaType.APPLICATION_JSON));

    assertThat(r.getStatus()).isEqualTo(503);
    assertThat(error(r)).contains("the leader notifier-a at " + leaderUrl.get() + " did not answer");
  }

  @Test
  void aLeaderWithoutAnAdvertisedUrl_is503SayingSo() {
    leaderUrl.set("");
    Response r = api.target("/api/intercepts").request().header("Authorization", "Bearer " + Operators.OPERATOR)
        .post(Entity.entity("{}", MediaType.APPLICATION_JSON));

    assertThat(r.getStatus()).isEqualTo(503);
    assertThat(error(r)).contains("notifier-a", "advertises no API URL");
  }

  private static String error(Response r) {
    return r.readEntity(new GenericType<Map<String, Object>>() {}).get("error").toString();
  }

  private static java.nio.file.Path tmp() {
    try {
      return java.nio.file.Files.createTempDirectory("operators");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
