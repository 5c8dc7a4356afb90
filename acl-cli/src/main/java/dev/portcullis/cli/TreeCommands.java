package dev.portcullis.cli;

import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.json.InvalidDocumentException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Whole-tree commands: offline check, export, import. */
final class TreeCommands {

  private TreeCommands() {}

  static byte[] read(Path file) throws Exception {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file: " + file);
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Validate a document offline with the same rules ZooKeeper writes use. Exit 0 if valid, 2 if not.")
  static final class Check implements Callable<Integer> {
    @ParentCommand
    ConfigCli cli;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--type", defaultValue = "tree",
        description = "tree (an export), global-policy, app-policy, limit-entry or list-entry (default ${DEFAULT-VALUE}).")
    String type;

    @Override
    public Integer call() throws Exception {
      byte[] data = read(file);
      String source = file.toString();
      try {
        switch (type) {
          case "tree" -> cli.treeCodec.read(data, source);
          case "global-policy" -> cli.codec.readGlobalPolicy(data, source);
          case "app-policy" -> cli.codec.readAppPolicy(data, source);
          case "limit-entry" -> cli.codec.readLimitEntry(data, source);
          case "list-entry" -> cli.codec.readListEntry(data, source);
          default -> throw new IllegalArgumentException(
              "--type must be tree, global-policy, app-policy, limit-entry or list-entry, was " + type);
        }
      } catch (InvalidDocumentException e) {
        if (cli.json) {
          var o = cli.codec.json().object();
          o.put("valid", false);
          var arr = o.putArray("problems");
          e.problems().forEach(arr::add);
          cli.out.println(cli.codec.json().text(o));
        } else {
          cli.reportInvalid(e);
        }
        return 2;
      }
      cli.out.println(cli.json ? "{\"valid\":true}" : source + ": valid " + type);
      return 0;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true, description = "Print the whole configuration as one JSON document.")
  static final class Export implements Callable<Integer> {
    @ParentCommand
    ConfigCli cli;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to this file instead of standard output.")
    Path outFile;

    @Override
    public Integer call() throws Exception {
      return cli.withStore(store -> {
        ConfigSnapshot s = store.readAll();
        String text = cli.treeCodec.pretty(s);
        if (outFile != null) {
          Files.writeString(outFile, text + "\n", StandardCharsets.UTF_8);
          cli.err.println("exported to " + outFile);
        } else {
          cli.out.println(text);
        }
        return 0;
      });
    }
  }

  @Command(name = "confirm", mixinStandardHelpOptions = true,
      description = "Confirm the rules tree as it is now to clients holding back a deleted or mass-deleted tree.")
  static final class Confirm implements Callable<Integer> {
    @ParentCommand
    ConfigCli cli;

    @Override
    public Integer call() throws Exception {
      return cli.withStore(store -> {
        int n = store.confirmTree(cli.clock.millis());
        cli.out.println(cli.json ? "{\"confirmed\":" + n + "}" : "confirmed the tree as it is now: " + n
            + " rules in force; watchers holding back a smaller tree take it");
        return 0;
      });
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Write every document of an export. The file is validated whole first; nothing is written if it has a problem.")
  static final class Import implements Callable<Integer> {
    @ParentCommand
    ConfigCli cli;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--prune", description = "Also delete limits and list entries the file does not contain"
        + " (shown, and made only with --apply).")
    boolean prune;

    @Option(names = "--apply", description = "With --prune: make the changes; without it, --prune only lists what it would delete.")
    boolean apply;

    @Option(names = "--force", paramLabel = "WHY", description = "Import entries wider than the guard allows, marked as"
        + " forced for this reason.")
    String force;

    @Override
    public Integer call() throws Exception {
      ConfigSnapshot read;
      try {
        read = cli.treeCodec.read(read(file), file.toString());
      } catch (InvalidDocumentException e) {
        cli.reportInvalid(e);
        return 2;
      }
      List<String> wide = ImportGuard.unforcedWide(read);
      if (!wide.isEmpty() && (force == null || force.isBlank())) {
        cli.err.println("error: " + wide.size() + " entries of " + file + " are wider than the guard allows and not forced"
            + " (first: " + wide.get(0) + "); nothing imported; if you mean them, add --force \"<why>\"");
        return 2;
      }
      ConfigSnapshot tree = wide.isEmpty() ? read : ImportGuard.forced(read, force);
      return cli.withStore(store -> {
        String tooMany = ImportGuard.tooManyAddresses(tree, store.readAll());
        if (tooMany != null && (force == null || force.isBlank())) {
          cli.err.println("error: " + file + ": the entries it adds " + tooMany
              + "; nothing imported; if you mean it, add --force \"<why>\"");
          return 2;
        }
        if (prune && !apply) {
          List<String> gone = store.pruneCandidates(tree);
          for (String g : gone) {
            cli.out.println("would delete " + g);
          }
          cli.out.println(gone.size() + " to delete, nothing changed; add --apply to import and prune");
          return 0;
        }
        store.importTree(tree, prune);
        cli.out.println(cli.json ? "{\"imported\":true}" : "imported " + file + (prune ? " (pruned)" : ""));
        return 0;
      });
    }
  }
}
