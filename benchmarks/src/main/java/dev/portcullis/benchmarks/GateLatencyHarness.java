package dev.portcullis.benchmarks;

import com.codahale.metrics.MetricRegistry;
import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.http.ForwardingHeader;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.watch.SnapshotFile;
import dev.portcullis.gate.Gate;
import dev.portcullis.gate.GateSettings;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a gate adds to each request through nginx: nginx serving a small static file by itself,
 * and the same location behind {@code auth_request} to a gate (the shipped config/nginx-gate.conf's
 * subrequest), measured with ApacheBench ({@code ab -k}, keep-alive, Debian's apache2-utils) on loopback.
 * The gate's client decides from a snapshot of 10,000 deny entries and reports every access to a real
 * KRaft broker. Everything (ab, nginx, the gate, the broker) shares the machine's cores.
 *
 * <p>Run: {@code java -cp "$CP" dev.portcullis.benchmarks.GateLatencyHarness [requests] [concurrency]}
 */
public final class GateLatencyHarness {

  private GateLatencyHarness() {}

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    Path dir = Files.createTempDirectory("gate-bench");
    try (KRaftBroker kafka = KRaftBroker.start()) {
      dev.portcullis.servers.Topics.create(kafka.bootstrapServers(), "acl.access", 4, false);
      Path snapshot = dir.resolve("rules.snapshot");
      List<ListEntry> deny = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        deny.add(new ListEntry(Cidr.parse("100.64." + (i >> 8) + "." + (i & 0xff) + "/32"), null, "", "bench", 1));
      }
      new SnapshotFile(snapshot, new ConfigTreeCodec(new ConfigCodec())).write(new ConfigSnapshot(GlobalPolicy.DEFAULT,
          List.of(), List.of(), Map.of("shop", new AppConfig("shop", AppPolicy.DEFAULT, List.of(), List.of(), deny)), 1));
      GateSettings s = new GateSettings("shop", "bench:gate", kafka.bootstrapServers(), null, null, snapshot, "127.0.0.1", 0,
          List.of(Cidr.parse("127.0.0.1/32")), ForwardingHeader.X_FORWARDED_FOR, null, false, 16);
      MetricRegistry metrics = new MetricRegistry();
      AclClient client = AclClient.builder("shop").node("bench:gate").kafka(kafka.bootstrapServers()).snapshotFile(snapshot)
          .metrics(metrics).build();
      try (Gate gate = new Gate(s, client, metrics).start()) {
        client.awaitRules(Duration.ofSeconds(30));
        int plain = Ports.freeLoopbackPort();
        int gated = Ports.freeLoopbackPort();
        Process nginx = nginx(dir, gate.port(), plain, gated);
        try {
          for (int round = 1; round <= 2; round++) {
            report("nginx alone  c=" + concurrency + " round " + round,
                ab(requests, concurrency, "http://127.0.0.1:" + plain + "/ok.txt"));
            report("nginx + gate c=" + concurrency + " round " + round,
                ab(requests, concurrency, "http://127.0.0.1:" + gated + "/ok.txt"));
          }
          // one connection: the mean time per request, to the microsecond, is the latency a request sees
          report("nginx alone  c=1", ab(requests / 4, 1, "http://127.0.0.1:" + plain + "/ok.txt"));
          report("nginx + gate c=1", ab(requests / 4, 1, "http://127.0.0.1:" + gated + "/ok.txt"));
          Thread.sleep(1000);
          AclClient.Status st = client.status();
          System.out.printf("gate: %d allowed, %d reported to Kafka, %d dropped%n", st.allowed(), st.sentRequests(),
              st.droppedAccesses());
        } finally {
          nginx.destroy();
          nginx.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static Process nginx(Path dir, int gatePort, int plain, int gated) throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    Files.createDirectories(dir.resolve("www"));
    Files.writeString(dir.resolve("www/ok.txt"), "ok\n");
    boolean root = "root".equals(System.getProperty("user.name"));
    Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
        root ? "user root;" : "", "daemon off;", "worker_processes 1;", "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("logs/error.log") + " warn;", "events { worker_connections 1024; }",
        "http {", "  access_log off;",
        "  client_body_temp_path " + dir.resolve("body") + ";", "  proxy_temp_path " + dir.resolve("proxy") + ";",
        "  upstream gate { server 127.0.0.1:" + gatePort + "; keepalive 32; }",
        // a static file, not 'return 200': return runs before the access phase and would skip auth_request
        "  server { listen 127.0.0.1:" + plain + "; location / { root " + dir.resolve("www") + "; } }",
        "  server { listen 127.0.0.1:" + gated + ";",
        "    location / { auth_request /_portcullis; root " + dir.resolve("www") + "; }",
        "    location = /_portcullis { internal; proxy_pass http://gate/nginx; proxy_http_version 1.1;",
        "      proxy_set_header Connection \"\"; proxy_pass_request_body off; proxy_set_header Content-Length \"\";",
        "      proxy_set_header X-Original-Method $request_method; proxy_set_header X-Original-URI $request_uri;",
        "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; }",
        "  }", "}", ""));
    Process p = new ProcessBuilder("nginx", "-e", dir.resolve("logs/error.log").toString(), "-p", dir + "/", "-c",
        dir.resolve("nginx.conf").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Ports.isOpen(plain) && Ports.isOpen(gated)) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return p;
  }

  private static String ab(int requests, int concurrency, String url) throws Exception {
    Process p = new ProcessBuilder("ab", "-q", "-k", "-n", Integer.toString(requests), "-c", Integer.toString(concurrency),
        url).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  private static void report(String what, String ab) {
    String rps = line(ab, "Requests per second:");
    String p50 = line(ab, "  50%");
    String p99 = line(ab, "  99%");
    String failed = line(ab, "Non-2xx responses:");
    String mean = line(ab, "Time per request:");
    System.out.printf("%s: %s req/s, mean %s ms, p50 %s ms, p99 %s ms%s%n", what, rps, mean, p50, p99,
        failed.isEmpty() ? "" : " (non-2xx: " + failed + ")");
  }

  private static String line(String ab, String prefix) {
    for (String l : ab.split("\n")) {
      if (l.startsWith(prefix)) {
        String rest = l.substring(prefix.length()).trim();
        return rest.split("\\s+")[0];
      }
    }
    return "";
  }
}
