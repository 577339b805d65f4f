package dev.toxserver.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** How {@code tox-server} and {@code bridge} run their picocli command lines, alike. */
public final class CommandLineRunner {
  private CommandLineRunner() {}

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
          if (e instanceof UsageError) {
            err.println(program + ": " + e.getMessage());
            err.println("Try '" + program + " --help' for usage.");
            err.flush();
            return ExitCodes.of(e);
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
}
