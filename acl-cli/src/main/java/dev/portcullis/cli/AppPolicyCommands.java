package dev.portcullis.cli;

import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.Quota;
import dev.portcullis.config.store.Versioned;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code config app-policy get|set <app>}. */
@Command(name = "app-policy", mixinStandardHelpOptions = true, description = "Show or change one app's policy.")
final class AppPolicyCommands {

  @ParentCommand
  ConfigCli cli;

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Print an app's policy.")
  int get(@Parameters(paramLabel = "APP") String app) throws Exception {
    return cli.withStore(store -> {
      Versioned<AppPolicy> v = store.appPolicy(app);
      Print.document(cli, cli.codec.tree(v.value()), v.exists() ? "version " + v.version() : "not set: defaults");
      return 0;
    });
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Change an app's policy; fields not given keep their value.")
  int set(
      @Parameters(paramLabel = "APP") String app,
      @Option(names = "--file", description = "Take the whole document from this JSON file.") Path file,
      @Option(names = "--mode", paramLabel = "OPEN|CLOSED", description = "OPEN allows unless denied; CLOSED denies unless allowed.") AppMode mode,
      @Option(names = "--per-second", paramLabel = "N|none") String perSecond,
      @Option(names = "--per-minute", paramLabel = "N|none") String perMinute,
      @Option(names = "--shadow", paramLabel = "true|false") Boolean shadow,
      @Option(names = "--quota", paramLabel = "CALLER|IFACE|PER_DAY",
          description = "A daily quota, repeatable; replaces all quotas. '*' matches each caller or interface.") List<String> quotas,
      @Option(names = "--prefix-limit", paramLabel = "PREFIX=N|none",
          description = "Per-second limit on each whole prefix of a length, e.g. ipv6/48=2000; repeatable.") List<String> prefixPerSecond,
      @Option(names = "--prefix-limit-per-minute", paramLabel = "PREFIX=N|none",
          description = "Per-minute limit on each whole prefix of a length, e.g. ipv4/16=60000; repeatable.") List<String> prefixPerMinute,
      @Option(names = "--no-quotas", description = "Remove every quota.") boolean noQuotas)
      throws Exception {
    return cli.withStore(store -> {
      Versioned<AppPolicy> current = store.appPolicy(app);
      AppPolicy p;
      if (file != null) {
        p = cli.codec.readAppPolicy(Files.readAllBytes(file), file.toString());
      } else {
        AppPolicy c = current.value();
        List<Quota> q = c.quotas();
        if (noQuotas) {
          q = List.of();
        } else if (quotas != null) {
          q = new ArrayList<>();
          for (String s : quotas) {
            q.add(parseQuota(s));
          }
        }
        p = new AppPolicy(mode == null ? c.mode() : mode,
            perSecond == null ? c.limitPerSecond() : Options.limit("--per-second", perSecond),
            perMinute == null ? c.limitPerMinute() : Options.limit("--per-minute", perMinute),
            q, shadow == null ? c.shadow() : shadow,
            Options.prefixLimits(c.prefixLimits(), prefixPerSecond, prefixPerMinute));
      }
      store.setAppPolicy(app, p, current.version());
      Print.document(cli, cli.codec.tree(p), "written");
      return 0;
    });
  }

  static Quota parseQuota(String s) {
    String[] parts = s.split("\\|");
    if (parts.length != 3) {
      throw new IllegalArgumentException("--quota must be CALLER|IFACE|PER_DAY, was \"" + s + "\"");
    }
    Long perDay = Options.limit("--quota per-day", parts[2]);
    if (perDay == null) {
      throw new IllegalArgumentException("--quota per-day must be a number");
    }
    return new Quota(parts[0], parts[1], perDay);
  }
}
