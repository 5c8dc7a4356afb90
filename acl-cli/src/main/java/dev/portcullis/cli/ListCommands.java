package dev.portcullis.cli;

import dev.portcullis.config.BlastRadius;
import dev.portcullis.config.Ttl;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.ListKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code config allow|deny add|rm|ls}: the address lists, global or per app. */
abstract class ListCommands {

  @ParentCommand
  ConfigCli cli;

  abstract ListKind kind();

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an IP or block to the list.")
  int add(@Parameters(paramLabel = "CIDR") String cidr,
      @Option(names = "--app", paramLabel = "APP", description = "Only for this app (default: every app).") String app,
      @Option(names = "--ttl", paramLabel = "TTL", description = "Expire after this long, e.g. 24h.") String ttl,
      @Option(names = "--note", defaultValue = "", description = "Why, for people.") String note,
      @Option(names = "--by", defaultValue = "${env:USER:-cli}", description = "Who (default $USER).") String by,
      @Option(names = "--replace", description = "Replace an existing entry for the same block.") boolean replace,
      @Option(names = "--force", paramLabel = "WHY", description = "Make a change wider than the guard allows"
          + " (deny wider than /16 or /48, allow wider than /8 or /32), saying why.") String force)
      throws Exception {
    var block = Options.cidr(cidr);
    String refusal = BlastRadius.DEFAULT.listRefusal(kind(), block);
    if (refusal != null && (force == null || force.isBlank())) {
      cli.err.println("error: " + refusal + "; if you mean it, add --force \"<why>\"");
      return 2;
    }
    long now = cli.clock.millis();
    Duration d = ttl == null ? null : Ttl.parse(ttl);
    ListEntry e = new ListEntry(block, d == null ? null : now + d.toMillis(), note, by, now,
        refusal == null ? null : force);
    return cli.withStore(store -> {
      store.addEntry(app, kind(), e, replace);
      Print.document(cli, cli.codec.tree(e), "added to the " + scope(app) + " " + kind().node() + " list"
          + (e.expiresAt() == null ? "" : ", expires " + Instant.ofEpochMilli(e.expiresAt())));
      return 0;
    });
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove an IP or block from the list.")
  int rm(@Parameters(paramLabel = "CIDR") String cidr,
      @Option(names = "--app", paramLabel = "APP") String app) throws Exception {
    var c = Options.cidr(cidr);
    return cli.withStore(store -> {
      if (!store.removeEntry(app, kind(), c)) {
        cli.err.println("error: " + c + " is not on the " + scope(app) + " " + kind().node() + " list");
        return 1;
      }
      cli.out.println(cli.json ? "{\"removed\":\"" + c + "\"}" : "removed " + c + " from the " + scope(app) + " "
          + kind().node() + " list");
      return 0;
    });
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the entries (expired ones marked).")
  int ls(@Option(names = "--app", paramLabel = "APP") String app) throws Exception {
    return cli.withStore(store -> {
      List<ListEntry> entries = store.list(app, kind());
      long now = cli.clock.millis();
      if (cli.json) {
        var arr = cli.codec.json().mapper().createArrayNode();
        entries.forEach(e -> arr.add(cli.codec.tree(e)));
        cli.out.println(cli.codec.json().text(arr));
      } else {
        for (ListEntry e : entries) {
          String exp = e.expiresAt() == null ? "never"
              : (e.isActiveAt(now) ? "" : "EXPIRED ") + Instant.ofEpochMilli(e.expiresAt());
          cli.out.printf("%-40s expires %-28s by %-12s %s%n", e.cidr(), exp, e.by(), e.note());
        }
        cli.out.println(entries.size() + " entr" + (entries.size() == 1 ? "y" : "ies") + " on the " + scope(app) + " "
            + kind().node() + " list");
      }
      return 0;
    });
  }

  private static String scope(String app) {
    return app == null ? "global" : app;
  }

  @Command(name = "allow", mixinStandardHelpOptions = true, description = "The allow list: always admitted.")
  static final class Allow extends ListCommands {
    @Override
    ListKind kind() {
      return ListKind.ALLOW;
    }
  }

  @Command(name = "deny", mixinStandardHelpOptions = true, description = "The deny list: always refused (unless allowed).")
  static final class Deny extends ListCommands {
    @Override
    ListKind kind() {
      return ListKind.DENY;
    }
  }
}
