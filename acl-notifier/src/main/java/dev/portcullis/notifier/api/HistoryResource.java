package dev.portcullis.notifier.api;

import dev.portcullis.address.IpAddress;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.notifier.scan.WindowReader;
import dev.portcullis.redis.RedisKeys;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The recent past, from the windows Redis keeps anyway (1 s windows live 120 s, 1 min windows 2 h):
 * the top addresses of each of the last 60 seconds or 60 minutes, for one app or summed over every app,
 * and one address's requests per second and per minute over those spans. A past minute keeps the
 * highest {@link RedisKeys#PAST_MINUTE_MEMBERS} addresses of each shard (6,400 per app with 64 shards), so
 * its top is exact up to the largest {@code limit}, and an address below those reads 0 there.
 *
 * <p>Across apps, each app's top {@code limit x 4} of a window are summed per address: exact while an
 * address that makes the overall top is among the top of each app it appears in.
 */
@Path("/api/history")
@Produces(MediaType.APPLICATION_JSON)
public final class HistoryResource {

  static final int SPAN = 60;

  private final WindowReader reader;
  private final Supplier<List<String>> apps;
  private final Clock clock;

  /** @param apps every app, for the views across apps */
  public HistoryResource(WindowReader reader, Supplier<List<String>> apps, Clock clock) {
    this.reader = reader;
    this.apps = apps;
    this.clock = clock;
  }

  @GET
  @Path("top")
  public Map<String, Object> top(@QueryParam("app") String app, @QueryParam("window") @DefaultValue("second") String window,
      @QueryParam("limit") @DefaultValue("10") int limit) {
    if (limit < 1 || limit > RedisKeys.PAST_MINUTE_MEMBERS) {
      throw new IllegalArgumentException("limit must be 1-" + RedisKeys.PAST_MINUTE_MEMBERS + ", was " + limit);
    }
    boolean seconds = seconds(window);
    List<String> scope = scope(app);
    long last = last(seconds);
    List<Map<String, Object>> windows = new ArrayList<>();
    for (long w = last - SPAN + 1; w <= last; w++) {
      Map<String, Long> sum = new HashMap<>();
      for (String a : scope) {
        for (WindowReader.Count c : reader.top(a, seconds ? WindowReader.Kind.SECOND : WindowReader.Kind.MINUTE, w,
            scope.size() == 1 ? limit : limit * 4)) {
          sum.merge(c.member(), c.count(), Long::sum);
        }
      }
      List<Map<String, Object>> top = sum.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(limit).map(e -> Map.<String, Object>of("ip", e.getKey(), "count", e.getValue())).toList();
      windows.add(Map.of("start", w, "top", top));
    }
    return answer(app, window, windows);
  }

  @GET
  @Path("address")
  public Map<String, Object> address(@QueryParam("ip") String ip, @QueryParam("app") String app) {
    IpAddress address = IpAddress.parse(ConfigResource.required("ip", ip));
    List<String> scope = scope(app);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ip", address.toString());
    m.put("app", app == null ? "*" : app);
    m.put("perSecond", series(scope, address.toString(), true));
    m.put("perMinute", series(scope, address.toString(), false));
    return m;
  }

  /** [window start, requests] for each of the last {@value #SPAN} windows, oldest first; one read per app. */
  private List<List<Long>> series(List<String> scope, String ip, boolean seconds) {
    long last = last(seconds);
    long[] starts = new long[SPAN];
    String[] members = new String[SPAN];
    for (int i = 0; i < SPAN; i++) {
      starts[i] = last - SPAN + 1 + i;
      members[i] = ip;
    }
    long[] sum = new long[SPAN];
    for (String a : scope) {
      long[] n = reader.counts(a, seconds ? WindowReader.Kind.SECOND : WindowReader.Kind.MINUTE, starts, members);
      for (int i = 0; i < SPAN; i++) {
        sum[i] += n[i];
      }
    }
    List<List<Long>> out = new ArrayList<>();
    for (int i = 0; i < SPAN; i++) {
      out.add(List.of(starts[i], sum[i]));
    }
    return out;
  }

  /** The last complete second, or the current minute (still counting). */
  private long last(boolean seconds) {
    long now = clock.millis();
    return seconds ? now / 1000 - 1 : now / 60_000;
  }

  /** True for {@code second}, false for {@code minute}; anything else is a 400 naming it. */
  static boolean seconds(String window) {
    if (window.equals("second") || window.equals("minute")) {
      return window.equals("second");
    }
    throw new IllegalArgumentException("window must be second or minute, was " + window);
  }

  private List<String> scope(String app) {
    return app == null ? apps.get().stream().sorted(Comparator.naturalOrder()).toList()
        : List.of(Identifiers.requireApp("app", app));
  }

  private static Map<String, Object> answer(String app, String window, List<Map<String, Object>> windows) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("app", app == null ? "*" : app);
    m.put("window", window);
    m.put("windows", windows);
    return m;
  }
}
