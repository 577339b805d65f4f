package dev.toxserver.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** What {@code tox-server} and {@code bridge} do alike around picocli. */
public final class Cli {
  private Cli() {}

  /**
   * Parses {@code args} for the command {@code root} of {@code program} and runs it: a usage error
   * prints the message and a hint (exit 2), a bug prints its stack trace (exit 70).
   */
  public static int execute(
      Object root, String program, String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(root);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConnectionOptions.UsageError) {
            err.println(program + ": " + e.getMessage());
            err.println("Try '" + program + " --help' for usage.");
            err.flush();
            return ExitCodes.USAGE;
          }
          err.println(program + ": internal error: " + e);
          e.printStackTrace(err);
          err.flush();
          return ExitCodes.INTERNAL;
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** A command run without a subcommand: the usage, then what is missing (exit 2). */
  public static int subcommandRequired(CommandSpec spec, String program, String subcommands) {
    PrintWriter err = spec.commandLine().getErr();
    spec.commandLine().usage(err);
    err.println();
    err.println(program + ": a subcommand is required (" + subcommands + ").");
    return ExitCodes.USAGE;
  }

  /**
   * {@code PROGRAM VERSION (protocol v1, extension v2)}, with the version baked in at build time.
   */
  public static String version(String program) throws IOException {
    try (InputStream in = Cli.class.getResourceAsStream("version.txt")) {
      String v =
          in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return program
          + " "
          + v
          + " (tox-server protocol v1, extension v"
          + dev.toxserver.protocol.Protocol.VERSION
          + ")";
    }
  }
}
