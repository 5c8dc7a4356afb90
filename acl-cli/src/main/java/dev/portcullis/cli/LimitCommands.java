package dev.portcullis.cli;

import dev.portcullis.config.LimitEntry;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code config limit set|rm|ls}: per-IP or per-block limits of one app, or of every app with APP
 * {@code '*'} (they apply in apps without a default limit of their own: app+IP, then app default, then
 * global+IP, then global default).
 */
@Command(name = "limit", mixinStandardHelpOptions = true,
    description = "Limits for one IP or block in one app, or in every app with APP '*'.")
final class LimitCommands {

  /** The store's scope of APP: null for '*' (every app). */
  private static String scope(String app) {
    return "*".equals(app) ? null : app;
  }

  private static String of(String app) {
    return "*".equals(app) ? "every app" : app;
  }

  @ParentCommand
  ConfigCli cli;

  @Command(name = "set", mixinStandardHelpOptions = true, description = "Create or replace a limit.")
  int set(@Parameters(paramLabel = "APP") String app, @Parameters(paramLabel = "CIDR") String cidr,
      @Option(names = "--per-second", paramLabel = "N") String perSecond,
      @Option(names = "--per-minute", paramLabel = "N") String perMinute) throws Exception {
    LimitEntry e = new LimitEntry(Options.cidr(cidr),
        perSecond == null ? null : Options.limit("--per-second", perSecond),
        perMinute == null ? null : Options.limit("--per-minute", perMinute));
    return cli.withStore(store -> {
      store.setLimit(scope(app), e);
      Print.document(cli, cli.codec.tree(e), "written");
      return 0;
    });
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a limit.")
  int rm(@Parameters(paramLabel = "APP") String app, @Parameters(paramLabel = "CIDR") String cidr) throws Exception {
    var c = Options.cidr(cidr);
    return cli.withStore(store -> {
      if (!store.removeLimit(scope(app), c)) {
        cli.err.println("error: " + of(app) + " has no limit for " + c);
        return 1;
      }
      cli.out.println(cli.json ? "{\"removed\":\"" + c + "\"}" : "removed limit " + c + " of " + of(app));
      return 0;
    });
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List an app's limits.")
  int ls(@Parameters(paramLabel = "APP") String app) throws Exception {
    return cli.withStore(store -> {
      List<LimitEntry> limits = store.limits(scope(app));
      if (cli.json) {
        var arr = cli.codec.json().mapper().createArrayNode();
        limits.forEach(l -> arr.add(cli.codec.tree(l)));
        cli.out.println(cli.codec.json().text(arr));
      } else {
        for (LimitEntry l : limits) {
          cli.out.printf("%-40s %10s/s %10s/min%n", l.cidr(), dash(l.limitPerSecond()), dash(l.limitPerMinute()));
        }
        cli.out.println(limits.size() + " limit(s)");
      }
      return 0;
    });
  }

  private static String dash(Long v) {
    return v == null ? "-" : v.toString();
  }
}
