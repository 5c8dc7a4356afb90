package dev.portcullis.notifier.api;

import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.Quota;
import dev.portcullis.keys.Identifiers;
import dev.portcullis.notifier.scan.WindowReader;
import dev.portcullis.redis.RedisKeys;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Quota usage today: per caller and interface, the requests counted since the day began in the quota
 * zone, the quota that applies (the lowest matching one, as the scanner judges), and what remains; so
 * that "how much have I left?" has an answer; {@code perHour}: the requests of each hour since local
 * midnight (24 values; 25 on a day that turns the clocks back). With {@code caller}, also the quotas with
 * a named interface that this caller has not used yet today.
 */
@Path("/api/quotas")
@Produces(MediaType.APPLICATION_JSON)
public final class QuotaResource {

  private final WindowReader reader;
  private final Supplier<ConfigSnapshot> config;
  private final Clock clock;

  public QuotaResource(WindowReader reader, Supplier<ConfigSnapshot> config, Clock clock) {
    this.reader = reader;
    this.config = config;
    this.clock = clock;
  }

  @GET
  public Map<String, Object> usage(@QueryParam("app") String app, @QueryParam("caller") String caller) {
    Identifiers.requireApp("app", ConfigResource.required("app", app));
    ConfigSnapshot snapshot = config.get();
    List<Quota> quotas = snapshot.policy(app).quotas();
    ZoneId zone = snapshot.global().quotaZone();
    LocalDate today = Instant.ofEpochMilli(clock.millis()).atZone(zone).toLocalDate();
    int day = RedisKeys.yyyymmdd(today);
    Map<String, Long> used = new TreeMap<>(); // caller|iface -> requests today
    for (WindowReader.Count c : reader.above(app, WindowReader.Kind.QUOTA_DAY, day, 0)) {
      RedisKeys.QuotaMember m = RedisKeys.parseQuotaMember(c.member());
      if (m != null && (caller == null || m.caller().equals(caller))) {
        used.put(RedisKeys.quotaMember(m.caller(), m.iface()), c.count());
      }
    }
    if (caller != null) {
      for (Quota q : quotas) {
        if (!q.iface().equals("*") && q.matches(caller, q.iface())) {
          used.putIfAbsent(RedisKeys.quotaMember(caller, q.iface()), 0L);
        }
      }
    }
    int hours = (int) java.time.Duration.between(today.atStartOfDay(zone), today.plusDays(1).atStartOfDay(zone)).toHours();
    List<Map<String, Object>> rows = new ArrayList<>();
    used.forEach((member, n) -> {
      RedisKeys.QuotaMember m = RedisKeys.parseQuotaMember(member);
      Quota applies = null;
      for (Quota q : quotas) {
        if (q.matches(m.caller(), m.iface()) && (applies == null || q.perDay() < applies.perDay())) {
          applies = q;
        }
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("caller", m.caller());
      r.put("iface", m.iface());
      r.put("used", n);
      r.put("limit", applies == null ? null : applies.perDay());
      r.put("remaining", applies == null ? null : Math.max(0, applies.perDay() - n));
      r.put("rule", applies == null ? null : "quota " + applies.caller() + " on " + applies.iface());
      r.put("perHour", perHour(app, day, member, hours));
      rows.add(r);
    });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("app", app);
    out.put("day", today.toString());
    out.put("zone", zone.getId());
    out.put("resetsAt", today.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli());
    out.put("usage", rows);
    return out;
  }

  /** One read for every hour of the day. */
  private List<Long> perHour(String app, int day, String member, int hours) {
    long[] days = new long[hours];
    String[] members = new String[hours];
    for (int h = 0; h < hours; h++) {
      days[h] = day;
      members[h] = member + (h < 10 ? "|0" : "|") + h;
    }
    List<Long> out = new ArrayList<>(hours);
    for (long n : reader.counts(app, WindowReader.Kind.QUOTA_HOURS, days, members)) {
      out.add(n);
    }
    return out;
  }
}
