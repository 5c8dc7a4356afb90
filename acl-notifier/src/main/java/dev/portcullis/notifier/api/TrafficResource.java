package dev.portcullis.notifier.api;

import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.notifier.scan.WindowReader;
import dev.portcullis.wire.NodeRegistration;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;

/** Apps, their live nodes, top IPs and request rates. */
@Path("/api/apps")
@Produces(MediaType.APPLICATION_JSON)
public final class TrafficResource {

  private final ConfigStore store;
  private final CuratorFramework curator;
  private final WindowReader reader;
  private final LiveNodes live;

  public TrafficResource(ConfigStore store, CuratorFramework curator, WindowReader reader) {
    this.store = store;
    this.curator = curator;
    this.reader = reader;
    this.live = new LiveNodes(store, curator);
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
    for (NodeRegistration r : live.of(app)) {
      out.add(Map.of("node", r.node(), "version", r.version(), "startedAt", r.startedAt()));
    }
    return out;
  }
}
