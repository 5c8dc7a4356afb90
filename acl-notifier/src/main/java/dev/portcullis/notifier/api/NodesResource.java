package dev.portcullis.notifier.api;

import dev.portcullis.keys.Identifiers;
import dev.portcullis.notifier.scan.WindowReader;
import dev.portcullis.wire.NodeRegistration;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which node of an app sees what: each node's requests (from the access records' {@code node}, counted
 * per node by the aggregators) beside its registration. A node is {@code reporting} when it had requests
 * in the last {@value #RECENT} s, {@code stopped reporting} when it had some in the last 120 s but none
 * since, {@code idle} when registered without any; {@code registered} says whether its ZooKeeper
 * registration is still there (a node whose process ended loses it).
 */
@Path("/api/nodes")
@Produces(MediaType.APPLICATION_JSON)
public final class NodesResource {

  static final int RECENT = 10;
  private static final int SPAN = 120; // the seconds a node second window lives in Redis

  private final LiveNodes live;
  private final WindowReader reader;
  private final Clock clock;

  NodesResource(LiveNodes live, WindowReader reader, Clock clock) {
    this.live = live;
    this.reader = reader;
    this.clock = clock;
  }

  public NodesResource(dev.portcullis.config.store.ConfigStore store, org.apache.curator.framework.CuratorFramework curator,
      WindowReader reader, Clock clock) {
    this(new LiveNodes(store, curator), reader, clock);
  }

  @GET
  public Map<String, Object> nodes(@QueryParam("app") String app) throws Exception {
    Identifiers.requireApp("app", ConfigResource.required("app", app));
    long now = clock.millis() / 1000;
    long last = now - 1; // the last complete second
    Map<Long, Map<String, Long>> seconds = reader.perNode(app, true, last - SPAN + 1, last);
    Map<Long, Map<String, Long>> minutes = reader.perNode(app, false, now / 60 - 1, now / 60 - 1);
    Map<String, Map<String, Object>> rows = new TreeMap<>();
    for (NodeRegistration r : live.of(app)) {
      Map<String, Object> m = row(rows, r.node());
      m.put("registered", true);
      m.put("version", r.version());
      m.put("startedAt", r.startedAt());
    }
    seconds.forEach((s, byNode) -> byNode.forEach((node, n) -> {
      Map<String, Object> m = row(rows, node);
      m.merge("last120s", n, (a, b) -> (Long) a + (Long) b);
      if (s > last - RECENT) {
        m.merge("last10s", n, (a, b) -> (Long) a + (Long) b);
      }
      m.merge("lastSeenSecond", s, (a, b) -> Math.max((Long) a, (Long) b));
    }));
    minutes.values().forEach(byNode -> byNode.forEach((node, n) -> row(rows, node).put("lastMinute", n)));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> m : rows.values()) {
      Long seen = (Long) m.remove("lastSeenSecond");
      long recent = (Long) m.getOrDefault("last10s", 0L);
      m.put("perSecond", recent / (double) RECENT);
      m.put("lastSeenSecondsAgo", seen == null ? null : now - seen);
      m.put("status", seen == null ? "idle" : seen > last - RECENT ? "reporting" : "stopped reporting");
      out.add(m);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("app", app);
    answer.put("second", last);
    answer.put("nodes", out);
    return answer;
  }

  private static Map<String, Object> row(Map<String, Map<String, Object>> rows, String node) {
    return rows.computeIfAbsent(node, n -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("node", n);
      m.put("registered", false);
      m.put("last10s", 0L);
      m.put("last120s", 0L);
      m.put("lastMinute", 0L);
      return m;
    });
  }
}
