package dev.portcullis.gate;

import com.codahale.metrics.MetricRegistry;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.AclClientBuilder;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code portcullis gate <gate.yml>}: runs a gate until SIGTERM or Ctrl-C. */
public final class GateMain {

  private GateMain() {}

  /** Builds the gate's client from its settings, reporting into {@code metrics}. */
  public static AclClient client(GateSettings s, MetricRegistry metrics) {
    AclClientBuilder b = AclClient.builder(s.app()).node(s.node()).metrics(metrics);
    if (s.kafka() != null) {
      b.kafka(s.kafka());
    }
    if (s.kafkaProperties() != null) {
      b.kafkaProperties(s.kafkaProperties());
    }
    if (s.zooKeeper() != null) {
      b.zooKeeper(s.zooKeeper());
    }
    if (s.snapshotFile() != null) {
      b.snapshotFile(s.snapshotFile());
    }
    return b.build();
  }

  /** The exit status: 0 after a clean stop, 2 for bad arguments or settings. */
  public static int run(String[] args) throws Exception {
    if (args.length != 1 || args[0].startsWith("-")) {
      System.out.println("usage: portcullis gate <gate.yml>");
      System.out.println("Answers nginx auth_request (/nginx), Traefik forwardAuth (/traefik) and Envoy ext_authz");
      System.out.println("(/envoy) calls for one app, beside the proxy. See config/gate.yml and config/nginx-gate.conf.");
      return args.length == 1 && (args[0].equals("--help") || args[0].equals("-h")) ? 0 : 2;
    }
    GateSettings settings;
    try {
      settings = GateSettings.load(Path.of(args[0]));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    MetricRegistry metrics = new MetricRegistry();
    Gate gate = new Gate(settings, client(settings, metrics), metrics);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gate.close();
      stopped.countDown();
    }, "portcullis-gate-stop"));
    gate.start();
    System.out.println("gate for app " + settings.app() + " on http://" + settings.host() + ":" + gate.port()
        + " (/nginx, /traefik, /envoy, /healthz, /metrics)");
    stopped.await();
    return 0;
  }
}
