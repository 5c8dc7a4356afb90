package dev.portcullis.notifier.api;

import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.notifier.scan.WindowReader;
import dev.portcullis.wire.NodeRegistration;
import dev.portcullis.wire.WireCodec;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/** Apps, their live nodes, top IPs and request rates. */
@Path("/api/apps")
@Produces(MediaType.APPLICATION_JSON)
public final class TrafficResource {

  private final ConfigStore store;
  private final CuratorFramework curator;
  private final WindowReader reader;
  private final WireCodec codec = new WireCodec();

  public TrafficResource(ConfigStore store, CuratorFramework curator, WindowReader reader) {
    this.store = store;
    this.curator = curator;
    this.reader = reader;
  }

  @GET
  public List<Map<String, Object>> apps() throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String app : store.apps()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("app", app);
      m.put("nodes", nodes(app));
      out.add(m);
    }
    return out;
  }

  private List<Map<String, Object>> nodes(String app) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    String dir = store.paths().nodes(app);
    List<String> children;
    try {
      children = curator.getChildren().forPath(dir);
    } catch (KeeperException.NoNodeException e) {
      return out;
    }
    for (String child : children) {
      try {
        NodeRegistration r = codec.readNodeRegistration(curator.getData().forPath(dir + "/" + child), dir + "/" + child);
        out.add(Map.of("node", r.node(), "version", r.version(), "startedAt", r.startedAt()));
      } catch (KeeperException.NoNodeException | IllegalArgumentException gone) {
        // ended meanwhile, or not a registration
      }
    }
    return out;
  }

  @GET
  @Path("{app}/top")
  public Map<String, Object> top(@PathParam("app") String app, @QueryParam("window") @DefaultValue("second") String window,
      @QueryParam("prefix") @DefaultValue("false") boolean prefix, @QueryParam("limit") @DefaultValue("20") int limit) {
    Identifiers.requireApp("app", app);
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1-1000, was " + limit);
    }
    long now = System.currentTimeMillis();
    boolean second;
    if (window.equals("second")) {
      second = true;
    } else if (window.equals("minute")) {
      second = false;
    } else {
      throw new IllegalArgumentException("window must be second or minute, was " + window);
    }
    long start = second ? now / 1000 - 1 : now / 60_000;
    WindowReader.Kind kind = second ? (prefix ? WindowReader.Kind.PREFIX_SECOND : WindowReader.Kind.SECOND)
        : (prefix ? WindowReader.Kind.PREFIX_MINUTE : WindowReader.Kind.MINUTE);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (WindowReader.Count c : reader.top(app, kind, start, limit)) {
      rows.add(Map.of(prefix ? "prefix" : "ip", c.member(), "count", c.count()));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("app", app);
    m.put("window", window);
    m.put("windowStart", start);
    m.put("top", rows);
    return m;
  }

  @GET
  @Path("{app}/rate")
  public Map<String, Object> rate(@PathParam("app") String app, @QueryParam("seconds") @DefaultValue("60") int seconds) {
    Identifiers.requireApp("app", app);
    if (seconds < 1 || seconds > 600) {
      throw new IllegalArgumentException("seconds must be 1-600, was " + seconds);
    }
    long last = System.currentTimeMillis() / 1000 - 1;
    Map<Long, Long> totals = reader.totalsPerSecond(app, last - seconds + 1, last);
    List<List<Long>> series = new ArrayList<>();
    totals.forEach((s, n) -> series.add(List.of(s, n)));
    return Map.of("app", app, "perSecond", series);
  }
}
