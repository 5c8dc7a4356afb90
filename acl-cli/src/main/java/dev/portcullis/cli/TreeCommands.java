package dev.portcullis.cli;

import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.json.InvalidDocumentException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Write every document of an export. The file is validated whole first; nothing is written if it has a problem.")
  static final class Import implements Callable<Integer> {
    @ParentCommand
    ConfigCli cli;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--prune", description = "Also delete limits and list entries the file does not contain.")
    boolean prune;

    @Override
    public Integer call() throws Exception {
      ConfigSnapshot tree;
      try {
        tree = cli.treeCodec.read(read(file), file.toString());
      } catch (InvalidDocumentException e) {
        cli.reportInvalid(e);
        return 2;
      }
      return cli.withStore(store -> {
        store.importTree(tree, prune);
        cli.out.println(cli.json ? "{\"imported\":true}" : "imported " + file + (prune ? " (pruned)" : ""));
        return 0;
      });
    }
  }
}
