package dev.portcullis.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;

/** One in-process run of the CLI with captured output. */
record CliRun(int code, String out, String err) {

  static CliRun of(Clock clock, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ConfigCli.run(args, new PrintWriter(out), new PrintWriter(err), clock);
    return new CliRun(code, out.toString(), err.toString());
  }
}
