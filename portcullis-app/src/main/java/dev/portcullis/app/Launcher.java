package dev.portcullis.app;

import dev.portcullis.aggregator.AggregatorMain;
import dev.portcullis.app.kafkaacl.KafkaAclsCommand;
import dev.portcullis.cli.ConfigCli;
import dev.portcullis.notifier.NotifierApplication;
import dev.portcullis.notifier.operator.Operator;
import dev.portcullis.notifier.operator.Role;
import dev.portcullis.notifier.operator.TokenFile;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;

/**
 * The one entry point: {@code portcullis demo|aggregator|notifier|config ...}, plus Kafka's console
 * consumer and ZooKeeper's zkCli, bundled so that watching the topics and the znodes needs no Kafka
 * or ZooKeeper distribution.
 */
public final class Launcher {

  private Launcher() {}

  private static void usage() {
    System.out.println("usage: portcullis <command> [options]");
    System.out.println();
    System.out.println("  demo [--duration 90s] [--no-traffic]   the whole system on this machine, with a traffic story");
    System.out.println("  aggregator <config.yml>                run an aggregator worker (see config/aggregator.yml)");
    System.out.println("  notifier <config.yml>                  run the notifier, admin API and dashboard (config/notifier.yml)");
    System.out.println("  config <subcommand> ...                read and change rules and lists (config --help)");
    System.out.println("  kafka-acls [--service|--aggregator|--notifier User:x]... [--apply --command-config admin.properties]");
    System.out.println("                                         print or apply the deployment's least-privilege Kafka ACLs");
    System.out.println("  token new <name> <admin|operator|viewer> a new API token and its line for the notifier's api.tokenFile");
    System.out.println("  gate <gate.yml>                        answer nginx/Traefik/Envoy authorization calls for an app (config/gate.yml)");
    System.out.println("  sample-service [--kafka ...] [--zk ...]  the demo's sample HTTP service alone (sample-service --help)");
    System.out.println("  kafka-console-consumer ...             Kafka's own console consumer, bundled (same options)");
    System.out.println("  zkcli ...                              ZooKeeper's own zkCli, bundled (same options: -server host:port)");
    System.out.println();
    System.out.println("Every command takes --help.");
  }

  /** {@code token new <name> <role>}: prints a new token and the line that admits it. */
  private static int newToken(String[] args) {
    if (args.length != 3 || !args[0].equals("new")) {
      System.err.println("usage: portcullis token new <name> <admin|operator|viewer>");
      return 2;
    }
    try {
      Operator op = new Operator(args[1], Role.parse(args[2]));
      String token = TokenFile.newToken(new SecureRandom());
      System.out.println("token (give it to " + op.name() + "; it is not stored anywhere): " + token);
      System.out.println("line for the notifier's api.tokenFile (read again when it changes):");
      System.out.println(TokenFile.line(op, token));
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.jboss.logging.provider", "slf4j");
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      usage();
      System.exit(args.length == 0 ? 2 : 0);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "demo" -> System.exit(Demo.run(rest));
      case "aggregator" -> System.exit(AggregatorMain.run(rest));
      case "notifier" -> {
        if (rest.length != 1 || rest[0].startsWith("-")) {
          System.out.println("usage: portcullis notifier <config.yml>");
          System.out.println("Runs the leader-elected rule scanner with its admin API and dashboard. See config/notifier.yml.");
          System.exit(rest.length == 1 && (rest[0].equals("--help") || rest[0].equals("-h")) ? 0 : 2);
        }
        new NotifierApplication().run("server", rest[0]);
      }
      case "config" -> System.exit(ConfigCli.run(rest, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
          Clock.systemUTC()));
      case "sample-service" -> System.exit(SampleServiceMain.run(rest));
      case "gate" -> System.exit(dev.portcullis.gate.GateMain.run(rest));
      case "token" -> System.exit(newToken(rest));
      case "kafka-acls" -> System.exit(KafkaAclsCommand.run(rest, new PrintWriter(System.out, true),
          new PrintWriter(System.err, true)));
      case "kafka-console-consumer" -> org.apache.kafka.tools.consumer.ConsoleConsumer.main(rest);
      case "zkcli" -> org.apache.zookeeper.ZooKeeperMain.main(rest);
      default -> {
        System.err.println("error: unknown command \"" + args[0] + "\"");
        usage();
        System.exit(2);
      }
    }
  }
}
