package dev.portcullis.aggregator;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code portcullis aggregator <config.yml>}: runs one worker until SIGTERM or Ctrl-C. */
public final class AggregatorMain {

  private AggregatorMain() {}

  public static int run(String[] args) throws InterruptedException {
    if (args.length != 1 || args[0].startsWith("-")) {
      System.err.println("usage: portcullis aggregator <config.yml>");
      System.err.println("Runs one aggregator worker: acl.access -> windows -> Redis. See config/aggregator.yml.");
      return args.length == 1 && (args[0].equals("--help") || args[0].equals("-h")) ? 0 : 2;
    }
    AggregatorSettings settings;
    try {
      settings = AggregatorConfigFile.read(Path.of(args[0]));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    AggregatorWorker worker = new AggregatorWorker(settings);
    try {
      worker.start();
    } catch (IllegalStateException | IllegalArgumentException e) {
      // a topic of the wrong shape, Kafka not reachable in time, a bad setting: say which, no stack trace
      System.err.println("error: " + e.getMessage());
      worker.close();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      stopped.countDown();
    }, "portcullis-aggregator-shutdown"));
    System.out.println("aggregator running; health at http://127.0.0.1:" + worker.adminPort() + "/health");
    stopped.await();
    return 0;
  }

  public static void main(String[] args) throws InterruptedException {
    System.exit(run(args));
  }
}
