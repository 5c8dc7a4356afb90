package dev.portcullis.app.kafkaacl;

import dev.portcullis.transport.PropertiesFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portcullis kafka-acls}: prints the Kafka ACLs of a deployment ({@link KafkaAclPlan}) as
 * {@code kafka-acls.sh} commands, or applies them with an admin client whose credentials come from a
 * properties file ({@code --command-config}, as {@code kafka-acls.sh} takes it), never from arguments.
 */
@Command(name = "kafka-acls", mixinStandardHelpOptions = true,
    description = "Print (default) or apply the least-privilege Kafka ACLs of a Portcullis deployment.")
public final class KafkaAclsCommand implements Callable<Integer> {

  @Option(names = "--service", paramLabel = "PRINCIPAL", description = "A services' principal, e.g. User:svc-shop (repeatable).")
  List<String> services = new ArrayList<>();

  @Option(names = "--aggregator", paramLabel = "PRINCIPAL", description = "An aggregators' principal (repeatable).")
  List<String> aggregators = new ArrayList<>();

  @Option(names = "--notifier", paramLabel = "PRINCIPAL", description = "A notifiers' principal (repeatable).")
  List<String> notifiers = new ArrayList<>();

  @Option(names = "--application-id", defaultValue = "portcullis-aggregator",
      description = "The aggregators' kafka.applicationId (default ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
      description = "Kafka (default ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--command-config", paramLabel = "FILE",
      description = "Admin client properties for --apply (security.protocol, sasl.*, ssl.*), as kafka-acls.sh takes them.")
  Path commandConfig;

  @Option(names = "--apply", description = "Create the ACLs (needs an admin identity in --command-config).")
  boolean apply;

  PrintWriter out;

  /** Runs the command line; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    KafkaAclsCommand c = new KafkaAclsCommand();
    c.out = out;
    CommandLine cl = new CommandLine(c);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      err.println("error: " + e.getMessage());
      return e instanceof IllegalArgumentException ? 2 : 1;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() throws Exception {
    KafkaAclPlan plan = new KafkaAclPlan(services, aggregators, notifiers, applicationId, "acl.access", "acl.access.dlq",
        "acl.notices", "acl.audit");
    if (!apply) {
      for (String line : commands(plan.bindings(), bootstrap)) {
        out.println(line);
      }
      return 0;
    }
    if (commandConfig == null) {
      throw new IllegalArgumentException("--apply needs --command-config FILE with the admin identity's client properties");
    }
    Map<String, Object> configs = new HashMap<>(PropertiesFile.read(commandConfig, "Kafka admin client"));
    configs.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    configs.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(configs)) {
      admin.createAcls(plan.bindings()).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka refused the ACLs: " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within 60 s", e);
    }
    out.println("applied " + plan.bindings().size() + " ACLs for " + plan.principals().size() + " principals on " + bootstrap);
    return 0;
  }

  /** One {@code kafka-acls.sh --add} command per principal and resource, with all its operations. */
  static List<String> commands(List<AclBinding> bindings, String bootstrap) {
    Map<String, List<String>> ops = new LinkedHashMap<>();
    for (AclBinding b : bindings) {
      String key = b.entry().principal() + " " + resource(b.pattern());
      ops.computeIfAbsent(key, k -> new ArrayList<>()).add(operation(b));
    }
    List<String> lines = new ArrayList<>();
    ops.forEach((key, list) -> {
      int space = key.indexOf(' ');
      StringBuilder sb = new StringBuilder("kafka-acls.sh --bootstrap-server " + bootstrap
          + " --command-config admin.properties --add --allow-principal " + key.substring(0, space));
      list.forEach(op -> sb.append(" --operation ").append(op));
      sb.append(' ').append(key.substring(space + 1));
      lines.add(sb.toString());
    });
    return lines;
  }

  private static String operation(AclBinding b) {
    String[] words = b.entry().operation().name().toLowerCase(Locale.ROOT).split("_");
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      sb.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
    }
    return sb.toString();
  }

  private static String resource(ResourcePattern r) {
    String flag = switch (r.resourceType()) {
      case TOPIC -> "--topic";
      case GROUP -> "--group";
      case TRANSACTIONAL_ID -> "--transactional-id";
      default -> throw new IllegalStateException("no kafka-acls.sh flag for " + r.resourceType());
    };
    return flag + " " + r.name() + (r.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
  }
}
