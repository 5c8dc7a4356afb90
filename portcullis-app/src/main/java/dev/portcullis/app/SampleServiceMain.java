package dev.portcullis.app;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code portcullis sample-service}: the demo's sample HTTP service on its own, against a running
 * system (compose.yaml runs it), with the apps {@code shop} (OPEN) at {@code /shop} and {@code proxy}
 * (CLOSED) at {@code /proxy}. Runs until SIGTERM or Ctrl-C.
 */
final class SampleServiceMain {

  private SampleServiceMain() {}

  /** Parsed options; {@code error} set when the arguments are wrong. */
  record Options(String kafka, String zk, String bind, int port, List<Cidr> trusted, String error, boolean help) {}

  static Options parse(String[] args) {
    String kafka = "127.0.0.1:9092";
    String zk = "127.0.0.1:2181";
    String bind = "127.0.0.1";
    int port = 8080;
    List<Cidr> trusted = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          return new Options(kafka, zk, bind, port, trusted, null, true);
        }
        if (i + 1 >= args.length) {
          return new Options(kafka, zk, bind, port, trusted, "option " + a + " needs a value", false);
        }
        String v = args[++i];
        switch (a) {
          case "--kafka" -> kafka = v;
          case "--zk" -> zk = v;
          case "--bind" -> bind = v;
          case "--port" -> {
            port = Integer.parseInt(v);
            if (port < 1 || port > 65535) {
              return new Options(kafka, zk, bind, port, trusted, "--port must be 1-65535, was " + v, false);
            }
          }
          case "--trust" -> trusted.add(Cidr.parse(v));
          default -> {
            return new Options(kafka, zk, bind, port, trusted, "unknown option " + a, false);
          }
        }
      }
    } catch (NumberFormatException e) {
      return new Options(kafka, zk, bind, port, trusted, "--port must be a number", false);
    } catch (IllegalArgumentException e) {
      return new Options(kafka, zk, bind, port, trusted, "--trust: " + e.getMessage(), false);
    }
    return new Options(kafka, zk, bind, port, List.copyOf(trusted), null, false);
  }

  static void usage(PrintStream out) {
    out.println("usage: portcullis sample-service [--kafka host:9092] [--zk host:2181] [--bind 127.0.0.1] [--port 8080]"
        + " [--trust CIDR]...");
    out.println("Runs the demo's sample service (apps shop at /shop, proxy at /proxy) behind the Portcullis filter.");
    out.println("--trust: a proxy whose X-Forwarded-For / Forwarded headers are honoured (repeatable; default none).");
  }

  static int run(String[] args) throws Exception {
    Options o = parse(args);
    if (o.help()) {
      usage(System.out);
      return 0;
    }
    if (o.error() != null) {
      System.err.println("error: " + o.error());
      usage(System.err);
      return 2;
    }
    String node = InetAddress.getLocalHost().getHostName() + ":" + o.port();
    try (AclClient shop = AclClient.builder("shop").node(node).kafka(o.kafka()).zooKeeper(o.zk()).build();
        AclClient proxy = AclClient.builder("proxy").node(node).kafka(o.kafka()).zooKeeper(o.zk()).build()) {
      shop.start();
      proxy.start();
      try (SampleService service = new SampleService(shop, proxy, o.bind(), o.port(), o.trusted())) {
        service.start();
        System.out.println("sample service on http://" + o.bind() + ":" + service.port() + "/shop/items and /proxy/");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "sample-service-stop"));
        stop.await();
      }
    }
    return 0;
  }
}
