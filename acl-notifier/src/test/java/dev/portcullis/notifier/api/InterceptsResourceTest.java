package dev.portcullis.notifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.config.BlastRadius;
import dev.portcullis.notifier.fixtures.Operators;
import dev.portcullis.notifier.fixtures.FakeClock;
import dev.portcullis.notifier.fixtures.MapHistory;
import dev.portcullis.notifier.fixtures.MapReleases;
import dev.portcullis.notifier.fixtures.RecordingSink;
import dev.portcullis.notifier.intercept.InterceptBook;
import dev.portcullis.notifier.intercept.SafetyValve;
import dev.portcullis.notifier.leader.Leadership;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The intercepts API on in-memory Jersey, with a real book and the API's own error mappers and auth filter. */
@ExtendWith(DropwizardExtensionsSupport.class)
class InterceptsResourceTest {

  private static final String TOKEN = Operators.OPERATOR;

  private final FakeClock clock = new FakeClock();
  private final RecordingSink sink = new RecordingSink();
  private final AtomicInteger ids = new AtomicInteger();
  private final InterceptBook book = new InterceptBook(clock, sink, new MapHistory(), new MapReleases(),
      new SafetyValve(100, 16, 48), () -> "id-" + ids.incrementAndGet());
  private final AtomicBoolean leading = new AtomicBoolean(true);
  private final Leadership leadership = new Leadership() {
    @Override
    public boolean isLeader() {
      return leading.get();
    }

    @Override
    public String leaderId() {
      return "notifier-b";
    }

    @Override
    public String notServingReason() {
      return leading.get() ? null : "this notifier is a standby";
    }
  };

  private final ResourceExtension api = ResourceExtension.builder()
      .addResource(new InterceptsResource(book, leadership, clock, BlastRadius.DEFAULT))
      .addProvider(new ApiErrors.BadInput())
      .addProvider(new ApiErrors.MalformedJson())
      .addProvider(new ApiErrors.TooWide())
      .addProvider(new OperatorAuthFilter(Operators.tokens(tmp()), true))
      .build();

  private Response post(String json) {
    return api.target("/api/intercepts").request().header("Authorization", "Bearer " + TOKEN)
        .post(Entity.entity(json, MediaType.APPLICATION_JSON));
  }

  /** DELETE with query parameters given as name, value, name, value... */
  private Response delete(String... params) {
    WebTarget t = api.target("/api/intercepts");
    for (int i = 0; i < params.length; i += 2) {
      t = t.queryParam(params[i], params[i + 1]);
    }
    return t.request().header("Authorization", "Bearer " + TOKEN).delete();
  }

  private static String error(Response r) {
    return r.readEntity(new GenericType<Map<String, Object>>() {}).get("error").toString();
  }

  private static java.nio.file.Path tmp() {
    try {
      return java.nio.file.Files.createTempDirectory("operators");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Response post(String json, String token) {
    return api.target("/api/intercepts").request().header("Authorization", "Bearer " + token)
        .post(Entity.entity(json, MediaType.APPLICATION_JSON));
  }

  @Test
  void create_isAuditedAsTheOperatorWhoseTokenMadeIt() {
    assertThat(post("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"reason\":\"x\"}").getStatus()).isEqualTo(201);
    assertThat(sink.audits).singleElement().satisfies(a -> assertThat(a.actor()).isEqualTo("bob"));
  }

  @Test
  void create_byAViewer_is403NamingTheRoleNeeded_andChangesNothing() {
    Response r = post("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"reason\":\"x\"}", Operators.VIEWER);
    assertThat(r.getStatus()).isEqualTo(403);
    assertThat(error(r)).contains("carol is a viewer").contains("needs a operator");
    assertThat(sink.published).isEmpty();
  }

  @Test
  void reads_needAToken() {
    Response r = api.target("/api/intercepts").request().get();
    assertThat(r.getStatus()).isEqualTo(401);
    assertThat(api.target("/api/intercepts").request().header("Authorization", "Bearer " + Operators.VIEWER).get().getStatus())
        .isEqualTo(200);
  }

  @Test
  void aTooWideIntercept_isRefusedSayingHowToForceIt_andOnlyAnAdminMayForceIt() {
    Response wide = post("{\"app\":\"shop\",\"target\":\"10.0.0.0/8\",\"reason\":\"x\"}");
    assertThat(wide.getStatus()).isEqualTo(422);
    assertThat(error(wide)).contains("wider than /16").contains("16,777,216 addresses").contains("\"force\"");
    Response everyApp = post("{\"app\":\"*\",\"target\":\"203.0.113.66\",\"reason\":\"x\"}");
    assertThat(everyApp.getStatus()).isEqualTo(422);
    assertThat(error(everyApp)).contains("every app");
    Response byOperator = post("{\"app\":\"shop\",\"target\":\"10.0.0.0/8\",\"reason\":\"x\",\"force\":\"botnet\"}");
    assertThat(byOperator.getStatus()).isEqualTo(403);
    assertThat(error(byOperator)).contains("forcing it needs an admin").contains("bob is a operator");
    assertThat(sink.published).isEmpty();
    assertThat(sink.audits).isEmpty();

    Response forced = post("{\"app\":\"shop\",\"target\":\"10.0.0.0/8\",\"reason\":\"x\",\"force\":\"botnet 7\"}",
        Operators.ADMIN);
    assertThat(forced.getStatus()).isEqualTo(201);
    assertThat(sink.audits).singleElement().satisfies(a -> {
      assertThat(a.actor()).isEqualTo("alice");
      assertThat(a.evidence()).containsEntry("forced", "botnet 7");
    });
  }

  @Test
  void anActorInTheBody_isRefused_theActorIsTheToken() {
    Response r = post("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"reason\":\"x\",\"actor\":\"mallory\"}");
    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(error(r)).contains("actor is not taken");
  }

  @Test
  void create_publishesTheNoticeAndAnswers201WithIt() {
    Response r = post("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"duration\":\"10m\",\"reason\":\"incident 42\"}");
    assertThat(r.getStatus()).isEqualTo(201);
    Map<String, Object> body = r.readEntity(new GenericType<>() {});
    assertThat(body).containsEntry("app", "shop").containsEntry("target", "203.0.113.66").containsEntry("secondsLeft", 600);
    assertThat(sink.lastPublished().target()).isEqualTo(Cidr.parse("203.0.113.66/32"));
    assertThat(sink.lastPublished().expiresAt()).isEqualTo(FakeClock.T0 + Duration.ofMinutes(10).toMillis());
  }

  @Test
  void list_showsActiveInterceptsWithTheTimeLeftByTheInjectedClock() {
    assertThat(post("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"duration\":\"PT10M\",\"reason\":\"x\"}").getStatus())
        .isEqualTo(201);
    clock.advance(Duration.ofMinutes(4));
    List<Map<String, Object>> list = api.target("/api/intercepts").queryParam("app", "shop").request()
        .header("Authorization", "Bearer " + Operators.VIEWER).get(new GenericType<>() {});
    assertThat(list).singleElement().satisfies(m -> assertThat(m).containsEntry("secondsLeft", 360));
    assertThat(api.target("/api/intercepts").queryParam("app", "other").request()
        .header("Authorization", "Bearer " + Operators.VIEWER).get(new GenericType<List<Object>>() {}))
        .isEmpty();
  }

  @Test
  void create_withoutAToken_is401AndChangesNothing() {
    Response r = api.target("/api/intercepts").request()
        .post(Entity.entity("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"reason\":\"x\"}", MediaType.APPLICATION_JSON));
    assertThat(r.getStatus()).isEqualTo(401);
    assertThat(r.getHeaderString("WWW-Authenticate")).startsWith("Bearer");
    assertThat(sink.published).isEmpty();
  }

  @Test
  void create_withAWrongToken_is401() {
    Response r = api.target("/api/intercepts").request().header("Authorization", "Bearer nope")
        .post(Entity.entity("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"reason\":\"x\"}", MediaType.APPLICATION_JSON));
    assertThat(r.getStatus()).isEqualTo(401);
    assertThat(error(r)).isEqualTo("unknown token");
  }

  @Test
  void create_withoutAReason_is400NamingTheField() {
    Response r = post("{\"app\":\"shop\",\"target\":\"203.0.113.66\"}");
    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(error(r)).isEqualTo("reason is required");
  }

  @Test
  void create_withABadTarget_is400NamingTheValue() {
    Response r = post("{\"app\":\"shop\",\"target\":\"203.0.113.666\",\"reason\":\"x\"}");
    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(error(r)).contains("203.0.113.666");
  }

  @Test
  void create_withABadDuration_is400NamingTheFieldNot500() {
    for (String bad : new String[] {"banana", "10", "-5m", "PT-1H"}) {
      Response r = post("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"duration\":\"" + bad + "\",\"reason\":\"x\"}");
      assertThat(r.getStatus()).as(bad).isEqualTo(400);
      assertThat(error(r)).as(bad).startsWith("duration");
    }
    assertThat(sink.published).isEmpty();
  }

  @Test
  void create_withANonStringField_is400() {
    Response r = post("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"reason\":42}");
    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(error(r)).isEqualTo("reason must be a string");
  }

  @Test
  void writesOnAStandby_are503NamingTheLeader() {
    leading.set(false);
    Response r = post("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"reason\":\"x\"}");
    assertThat(r.getStatus()).isEqualTo(503);
    assertThat(error(r)).contains("notifier-b");
    assertThat(delete("app", "shop", "target", "203.0.113.66").getStatus()).isEqualTo(503);
  }

  @Test
  void release_removesTheInterceptOnceThen404() {
    post("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"reason\":\"x\"}");
    assertThat(delete("app", "shop", "target", "203.0.113.66").getStatus()).isEqualTo(204);
    assertThat(sink.released).containsExactly("shop|203.0.113.66");
    Response again = delete("app", "shop", "target", "203.0.113.66");
    assertThat(again.getStatus()).isEqualTo(404);
    assertThat(error(again)).contains("no active intercept for 203.0.113.66 in shop");
  }

  @Test
  void release_withBothATargetAndAQuota_is400() {
    Response r = delete("app", "shop", "target", "203.0.113.66", "caller", "p", "iface", "GET /x");
    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(error(r)).contains("app and target");
    assertThat(delete("target", "203.0.113.66").getStatus()).isEqualTo(400);
  }

  @Test
  void create_withAnUnknownField_is400NamingIt() {
    Response r = post("{\"app\":\"shop\",\"target\":\"203.0.113.66\",\"reason\":\"x\",\"urgent\":true}");
    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(error(r)).startsWith("urgent is not a known field");
    assertThat(sink.published).isEmpty();
  }

  @Test
  void create_withMalformedJson_is400SayingWhere() {
    Response r = post("{\"app\":\"shop\",\n \"target\": 203.0.113.66}");
    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(error(r)).contains("not valid JSON at line 2, column");
  }
}
