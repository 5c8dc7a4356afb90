package dev.portcullis.cli;

import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.store.ConfigConflictException;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.ConfigStoreException;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.json.InvalidDocumentException;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.transport.PropertiesFile;
import dev.portcullis.transport.Secret;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portcullis config ...}: read and change rules and lists in ZooKeeper, check documents
 * offline, export and import the whole tree. Output is for people by default and JSON with
 * {@code --json}. Exit codes: 0 done, 1 refused (conflict, ZooKeeper unreachable or not
 * authorised), 2 bad arguments or invalid document.
 */
@Command(name = "config", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Read and change Portcullis rules and lists in ZooKeeper.",
    subcommands = {PolicyCommands.class, AppPolicyCommands.class, LimitCommands.class, ListCommands.Allow.class,
        ListCommands.Deny.class, TreeCommands.Check.class, TreeCommands.Export.class, TreeCommands.Import.class,
        TreeCommands.Confirm.class})
public final class ConfigCli {

  @Option(names = "--zk", paramLabel = "HOST:PORT", defaultValue = "${env:PORTCULLIS_ZK:-127.0.0.1:2181}",
      description = "ZooKeeper connect string (env PORTCULLIS_ZK; default ${DEFAULT-VALUE}).", scope = CommandLine.ScopeType.INHERIT)
  String zk;

  @Option(names = "--root", defaultValue = ZkPaths.DEFAULT_ROOT, description = "Root znode (default ${DEFAULT-VALUE}).",
      scope = CommandLine.ScopeType.INHERIT)
  String root;

  @Option(names = "--auth-file", paramLabel = "FILE", defaultValue = "${env:PORTCULLIS_ZK_AUTH_FILE}",
      description = "File holding user:password, the ZooKeeper digest identity to write as (env PORTCULLIS_ZK_AUTH_FILE,"
          + " or the credentials themselves in env PORTCULLIS_ZK_AUTH). With an identity, the znodes the CLI creates are"
          + " writable only by it and readable by all.", scope = CommandLine.ScopeType.INHERIT)
  Path authFile;

  @Option(names = "--auth", hidden = true, scope = CommandLine.ScopeType.INHERIT)
  String authOnCommandLine;

  @Option(names = "--zk-config", paramLabel = "FILE", defaultValue = "${env:PORTCULLIS_ZK_CONFIG}",
      description = "ZooKeeper client properties (TLS: zookeeper.client.secure=true, zookeeper.clientCnxnSocket,"
          + " zookeeper.ssl.trustStore.*; env PORTCULLIS_ZK_CONFIG).", scope = CommandLine.ScopeType.INHERIT)
  Path zkConfig;

  @Option(names = "--json", description = "Print JSON for scripts instead of text for people.",
      scope = CommandLine.ScopeType.INHERIT)
  boolean json;

  final ConfigCodec codec = new ConfigCodec();
  final ConfigTreeCodec treeCodec = new ConfigTreeCodec(codec);
  Clock clock = Clock.systemUTC();
  PrintWriter out;
  PrintWriter err;

  /** Runs the command line; returns the exit code. Never calls {@code System.exit}. */
  public static int run(String[] args, PrintWriter out, PrintWriter err, Clock clock) {
    ConfigCli cli = new ConfigCli();
    cli.clock = clock;
    cli.out = out;
    cli.err = err;
    CommandLine cl = new CommandLine(cli);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigConflictException || e instanceof ConfigStoreException) {
        err.println("error: " + e.getMessage());
        return 1;
      }
      if (e instanceof IllegalArgumentException) {
        err.println("error: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(args, out, err, Clock.systemUTC()));
  }

  /** Environment variables; tests pass their own. */
  Function<String, String> env = System::getenv;

  /**
   * ZooKeeper as the options and environment say: with an identity, digest ACLs (writable by it,
   * readable by all); without one, znodes are created open, which only an open tree (the demo's) allows.
   */
  ZkAccess access() {
    if (authOnCommandLine != null) {
      throw new IllegalArgumentException("--auth is gone: credentials on a command line show in ps and shell history;"
          + " put user:password in a file for --auth-file (or PORTCULLIS_ZK_AUTH_FILE), or in PORTCULLIS_ZK_AUTH");
    }
    String credentials = null;
    try {
      if (authFile != null) {
        credentials = new Secret("file:" + authFile).value();
      } else if (env.apply("PORTCULLIS_ZK_AUTH") != null && !env.apply("PORTCULLIS_ZK_AUTH").isBlank()) {
        credentials = new Secret("env:PORTCULLIS_ZK_AUTH").value(env);
      }
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Map<String, String> clientConfig = zkConfig == null ? Map.of() : PropertiesFile.read(zkConfig, "ZooKeeper client");
    return new ZkAccess(zk, credentials != null ? ZkAccess.ZnodeAcl.ADMIN_WRITES : ZkAccess.ZnodeAcl.OPEN, credentials,
        ZkAccess.DEFAULT_SESSION_TIMEOUT, clientConfig);
  }

  /** Runs {@code action} with a connected store, closing the client afterwards. */
  int withStore(StoreAction action) throws Exception {
    ZkAccess access = access();
    try (CuratorFramework curator = access.newClient()) {
      curator.start();
      if (!curator.blockUntilConnected(10, TimeUnit.SECONDS)) {
        throw new ConfigStoreException("cannot reach ZooKeeper at " + zk + " within 10 s");
      }
      return action.run(new ConfigStore(curator, new ZkPaths(root), codec, access));
    }
  }

  void reportInvalid(InvalidDocumentException e) {
    err.println("error: " + e.getMessage());
  }

  /** Work done against a connected store. */
  @FunctionalInterface
  interface StoreAction {
    int run(ConfigStore store) throws Exception;
  }
}
