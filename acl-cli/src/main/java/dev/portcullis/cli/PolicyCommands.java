package dev.portcullis.cli;

import dev.portcullis.config.Ttl;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.Ladder;
import dev.portcullis.config.store.Versioned;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code config policy get|set}: the global policy. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Show or change the global policy.")
final class PolicyCommands {

  @ParentCommand
  ConfigCli cli;

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Print the global policy.")
  int get() throws Exception {
    return cli.withStore(store -> {
      Versioned<GlobalPolicy> v = store.globalPolicy();
      Print.document(cli, cli.codec.tree(v.value()), v.exists() ? "version " + v.version() : "not set: defaults");
      return 0;
    });
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Change the global policy; fields not given keep their value. Fails if someone else changed it meanwhile.")
  int set(
      @Option(names = "--file", description = "Take the whole document from this JSON file.") Path file,
      @Option(names = "--per-second", paramLabel = "N|none", description = "Default per-IP limit per second.") String perSecond,
      @Option(names = "--per-minute", paramLabel = "N|none", description = "Default per-IP limit per minute.") String perMinute,
      @Option(names = "--ladder", paramLabel = "STEPS", description = "Escalation, e.g. PT1M,PT1H,PT24H,PERMANENT.") String ladder,
      @Option(names = "--forgive-after", paramLabel = "TTL", description = "Quiet time before an offender starts over, e.g. 24h.") String forgive,
      @Option(names = "--shadow", paramLabel = "true|false", description = "Record breaches without denying.") Boolean shadow,
      @Option(names = "--prefix-limit", paramLabel = "PREFIX=N|none",
          description = "Per-second limit on each whole prefix of a length, e.g. ipv6/48=2000; repeatable.") List<String> prefixPerSecond,
      @Option(names = "--prefix-limit-per-minute", paramLabel = "PREFIX=N|none",
          description = "Per-minute limit on each whole prefix of a length, e.g. ipv4/16=60000; repeatable.") List<String> prefixPerMinute,
      @Option(names = "--quota-zone", paramLabel = "ZONE", description = "Time zone of the quota day.") String zone)
      throws Exception {
    return cli.withStore(store -> {
      Versioned<GlobalPolicy> current = store.globalPolicy();
      GlobalPolicy p;
      if (file != null) {
        p = cli.codec.readGlobalPolicy(Files.readAllBytes(file), file.toString());
      } else {
        GlobalPolicy c = current.value();
        p = new GlobalPolicy(
            perSecond == null ? c.limitPerSecond() : Options.limit("--per-second", perSecond),
            perMinute == null ? c.limitPerMinute() : Options.limit("--per-minute", perMinute),
            ladder == null ? c.ladder() : parseLadder(ladder),
            forgive == null ? c.forgiveAfter() : Ttl.parse(forgive),
            shadow == null ? c.shadow() : shadow,
            zone == null ? c.quotaZone() : Options.zone(zone),
            Options.prefixLimits(c.prefixLimits(), prefixPerSecond, prefixPerMinute));
      }
      store.setGlobalPolicy(p, current.version());
      Print.document(cli, cli.codec.tree(p), "written");
      return 0;
    });
  }

  static Ladder parseLadder(String text) {
    String[] parts = text.split(",");
    List<Duration> steps = new ArrayList<>();
    boolean permanent = false;
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i].trim();
      if (s.equals("PERMANENT")) {
        if (i != parts.length - 1) {
          throw new IllegalArgumentException("--ladder: PERMANENT may only be the last step");
        }
        permanent = true;
      } else {
        steps.add(Ttl.parse(s));
      }
    }
    return new Ladder(steps, permanent);
  }
}
