package dev.portcullis.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.notifier.api.ApiErrors;
import dev.portcullis.notifier.api.ChangeAudit;
import dev.portcullis.notifier.api.OperatorAuthFilter;
import dev.portcullis.notifier.fixtures.Operators;
import dev.portcullis.config.BlastRadius;
import dev.portcullis.notifier.api.ConfigResource;
import dev.portcullis.notifier.fixtures.FakeClock;
import dev.portcullis.servers.ZooKeeper;
import dev.portcullis.testkit.RealServers;
import dev.portcullis.wire.AuditRecord;
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

/** The policy and list API on in-memory Jersey over the real ZooKeeper store: status codes and messages. */
@ExtendWith({RealServers.class, DropwizardExtensionsSupport.class})
class ConfigResourceIT {

  private final FakeClock clock = new FakeClock();
  private final List<AuditRecord> audits = new CopyOnWriteArrayList<>();
  private final CuratorFramework curator;
  private final ResourceExtension api;
  private final ZkPaths paths = new ZkPaths("/api-it-" + System.nanoTime());

  ConfigResourceIT(ZooKeeper zk) {
    curator = ZkAccess.open(zk.connectString()).newClient();
    curator.start();
    ConfigCodec codec = new ConfigCodec();
    ConfigStore store = new ConfigStore(curator, paths, codec, ZkAccess.open(zk.connectString()));
    api = ResourceExtension.builder()
        .addResource(new ConfigResource(store, codec, clock, new ChangeAudit(audits::add, clock), BlastRadius.DEFAULT))
        .addProvider(new OperatorAuthFilter(Operators.tokens(tmp()), true))
        .setClientConfigurator(c -> c.register(Operators.asAdminByDefault()))
        .addProvider(new ApiErrors.TooWide())
        .addProvider(new ApiErrors.BadInput())
        .addProvider(new ApiErrors.Conflict())
        .addProvider(new ApiErrors.StoreDown())
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

  private Response putPolicy(String json, String ifMatch) {
    var request = api.target("/api/policy").request();
    if (ifMatch != null) {
      request = request.header("If-Match", ifMatch);
    }
    return request.put(Entity.entity(json, MediaType.APPLICATION_JSON));
  }

  private Response addEntry(String kind, String json) {
    return api.target("/api/lists/" + kind).request().post(Entity.entity(json, MediaType.APPLICATION_JSON));
  }

  @Test
  void globalPolicy_isWrittenCompareAndSetByItsETag() {
    Response first = api.target("/api/policy").request().get();
    assertThat(first.getStatus()).isEqualTo(200);
    String etag = first.getEntityTag().getValue();
    Response written = putPolicy("{\"limitPerSecond\":40}", etag);
    assertThat(written.getStatus()).isEqualTo(200);
    assertThat(written.readEntity(String.class)).contains("\"limitPerSecond\":40");
    Response stale = putPolicy("{\"limitPerSecond\":30}", etag);
    assertThat(stale.getStatus()).isEqualTo(409);
    // audited before it is made: the stale write is recorded, then recorded as not made
    assertThat(audits).extracting(AuditRecord::kind).containsOnly(AuditRecord.Kind.POLICY_CHANGED).hasSize(3);
    assertThat(audits).extracting(AuditRecord::actor).containsOnly("alice");
    assertThat(audits.get(2).reason()).startsWith("NOT MADE: global policy set");
    assertThat(audits.get(2).evidence()).containsEntry("outcome", "not made");
  }

  @Test
  void aStoredPolicyThatIsInvalid_isAnsweredWithTheLastGoodOne_andCanBeReplaced() throws Exception {
    curator.create().creatingParentsIfNeeded().forPath(paths.globalPolicy(), "{\"limitPerSecond\":-5}".getBytes());
    Response r = api.target("/api/policy").request().get();
    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(r.getHeaderString("X-Portcullis-Problem")).contains("last good").contains("limitPerSecond");
    assertThat(r.readEntity(String.class)).contains("\"limitPerSecond\":50");
    Response fixed = putPolicy("{\"limitPerSecond\":30}", r.getEntityTag().getValue());
    assertThat(fixed.getStatus()).as(fixed.readEntity(String.class)).isEqualTo(200);
    assertThat(api.target("/api/policy").request().get().getHeaderString("X-Portcullis-Problem")).isNull();
  }

  @Test
  void globalPolicy_anInvalidDocumentIs400NamingTheFieldAndChangesNothing() {
    Response negative = putPolicy("{\"limitPerSecond\":-3}", null);
    assertThat(negative.getStatus()).isEqualTo(400);
    assertThat(error(negative)).contains("limitPerSecond");
    Response unknown = putPolicy("{\"limitPerSecnd\":3}", null);
    assertThat(unknown.getStatus()).isEqualTo(400);
    assertThat(error(unknown)).contains("limitPerSecnd");
    Response badIfMatch = putPolicy("{\"limitPerSecond\":3}", "\"v7\"");
    assertThat(badIfMatch.getStatus()).isEqualTo(400);
    assertThat(error(badIfMatch)).contains("If-Match must be a version number");
    assertThat(audits).isEmpty();
  }

  @Test
  void listEntries_areAddedListedAndRemovedOnce() {
    Response added = addEntry("allow", "{\"cidr\":\"192.0.2.10\",\"app\":\"proxy\",\"ttl\":\"24h\",\"note\":\"admin\"}");
    assertThat(added.getStatus()).isEqualTo(201);
    assertThat(added.readEntity(String.class)).contains("\"expiresAt\":" + (FakeClock.T0 + 86_400_000L));
    List<Map<String, Object>> list = api.target("/api/lists/allow").queryParam("app", "proxy").request()
        .get(new GenericType<>() {});
    assertThat(list).singleElement().satisfies(e -> assertThat(e).containsEntry("cidr", "192.0.2.10/32")
        .containsEntry("active", true).containsEntry("by", "alice"));
    Response removed = api.target("/api/lists/allow").queryParam("app", "proxy").queryParam("cidr", "192.0.2.10")
        .request().delete();
    assertThat(removed.getStatus()).isEqualTo(204);
    Response again = api.target("/api/lists/allow").queryParam("app", "proxy").queryParam("cidr", "192.0.2.10")
        .request().delete();
    assertThat(again.getStatus()).isEqualTo(404);
    assertThat(error(again)).isEqualTo("192.0.2.10/32 is not on the proxy allow list");
    // the second removal is audited before it is tried, then audited as not made
    assertThat(audits).extracting(AuditRecord::kind).containsExactly(AuditRecord.Kind.LIST_ADDED,
        AuditRecord.Kind.LIST_REMOVED, AuditRecord.Kind.LIST_REMOVED, AuditRecord.Kind.LIST_REMOVED);
    assertThat(audits.get(3).reason()).startsWith("NOT MADE");
    assertThat(audits.get(3).evidence()).containsEntry("why", "nothing to change");
  }

  @Test
  void listEntries_badInputIs400NamingTheProblem() {
    assertThat(error(addEntry("deny", "{\"cidr\":\"10.0.0.0/33\"}"))).contains("10.0.0.0/33");
    Response unknown = addEntry("deny", "{\"cidr\":\"10.0.0.1\",\"expires\":\"1h\"}");
    assertThat(unknown.getStatus()).isEqualTo(400);
    assertThat(error(unknown)).startsWith("expires is not a known field");
    Response by = addEntry("deny", "{\"cidr\":\"10.0.0.1\",\"by\":\"mallory\"}");
    assertThat(by.getStatus()).isEqualTo(400);
    assertThat(error(by)).contains("by the operator whose token made it");
    Response badTtl = addEntry("deny", "{\"cidr\":\"10.0.0.1\",\"ttl\":\"tomorrow\"}");
    assertThat(badTtl.getStatus()).isEqualTo(400);
    assertThat(error(badTtl)).contains("\"tomorrow\" must look like");
    Response noCidr = addEntry("deny", "{\"note\":\"x\"}");
    assertThat(error(noCidr)).isEqualTo("cidr is required");
    Response badKind = addEntry("maybe", "{\"cidr\":\"10.0.0.1\"}");
    assertThat(badKind.getStatus()).isEqualTo(400);
    assertThat(error(badKind)).isEqualTo("list must be allow or deny, was maybe");
    Response badApp = addEntry("deny", "{\"cidr\":\"10.0.0.1\",\"app\":\"Not An App\"}");
    assertThat(error(badApp)).contains("app must be");
    assertThat(audits).isEmpty();
  }

  @Test
  void listEntriesWiderThanTheGuard_needAnAdminsForce_andAreAuditedAsForced() {
    Response wideDeny = addEntry("deny", "{\"cidr\":\"0.0.0.0/0\"}");
    assertThat(wideDeny.getStatus()).isEqualTo(422);
    assertThat(error(wideDeny)).contains("wider than /16").contains("\"force\"");
    Response wideAllow = addEntry("allow", "{\"cidr\":\"::/0\"}");
    assertThat(wideAllow.getStatus()).isEqualTo(422);
    assertThat(error(wideAllow)).contains("wider than /32").contains("past every rule");
    Response byOperator = api.target("/api/lists/deny").request().header("Authorization", "Bearer " + Operators.OPERATOR)
        .post(Entity.entity("{\"cidr\":\"10.0.0.0/8\",\"force\":\"botnet\"}", MediaType.APPLICATION_JSON));
    assertThat(byOperator.getStatus()).isEqualTo(403);
    assertThat(audits).isEmpty();
    assertThat(api.target("/api/lists/deny").request().get(new GenericType<List<Object>>() {})).isEmpty();

    Response forced = addEntry("deny", "{\"cidr\":\"10.0.0.0/8\",\"force\":\"botnet 7\"}");
    assertThat(forced.getStatus()).isEqualTo(201);
    assertThat(audits).singleElement().satisfies(a -> {
      assertThat(a.actor()).isEqualTo("alice");
      assertThat(a.evidence()).containsEntry("forced", "botnet 7");
    });
  }

  @Test
  void aViewer_readsButCannotWrite_andNoTokenReadsNothing() {
    Response asViewer = api.target("/api/lists/deny").request().header("Authorization", "Bearer " + Operators.VIEWER)
        .post(Entity.entity("{\"cidr\":\"10.0.0.1\"}", MediaType.APPLICATION_JSON));
    assertThat(asViewer.getStatus()).isEqualTo(403);
    assertThat(api.target("/api/lists/deny").request().header("Authorization", "Bearer " + Operators.VIEWER).get().getStatus())
        .isEqualTo(200);
    assertThat(api.target("/api/lists/allow").request().header(Operators.ANONYMOUS, "1").get().getStatus()).isEqualTo(401);
    Response policyByOperator = api.target("/api/policy").request().header("Authorization", "Bearer " + Operators.OPERATOR)
        .put(Entity.entity("{\"limitPerSecond\":1}", MediaType.APPLICATION_JSON));
    assertThat(policyByOperator.getStatus()).isEqualTo(403);
    assertThat(error(policyByOperator)).contains("needs a admin");
  }

  @Test
  void aChangeWhoseAuditCannotBeWritten_isNotMade() {
    ConfigStore store = new ConfigStore(curator, new ZkPaths("/audit-down-" + System.nanoTime()), new ConfigCodec(),
        ZkAccess.open(curator.getZookeeperClient().getCurrentConnectionString()));
    ChangeAudit down = new ChangeAudit(r -> {
      throw new IllegalStateException("acl.audit did not acknowledge the record within 5 s");
    }, clock);
    try {
      ResourceExtension broken = ResourceExtension.builder()
          .addResource(new ConfigResource(store, new ConfigCodec(), clock, down, BlastRadius.DEFAULT))
          .addProvider(new OperatorAuthFilter(Operators.tokens(tmp()), true))
          .setClientConfigurator(c -> c.register(Operators.asAdminByDefault()))
          .addProvider(new ApiErrors.AuditDown())
          .build();
      broken.before();
      try {
        Response r = broken.target("/api/lists/deny").request().post(Entity.entity("{\"cidr\":\"198.51.100.9\"}",
            MediaType.APPLICATION_JSON));
        assertThat(r.getStatus()).isEqualTo(503);
        assertThat(error(r)).contains("the change was not made").contains("did not acknowledge");
        assertThat(store.list(null, dev.portcullis.keys.ListKind.DENY)).isEmpty();
      } finally {
        broken.after();
      }
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }
}
