package dev.toxserver.bridge;

import dev.toxserver.cli.CancelCommand;
import dev.toxserver.cli.CliRoot;
import dev.toxserver.cli.ConnectionOptions;
import dev.toxserver.cli.ExitCodes;
import dev.toxserver.cli.Logging;
import dev.toxserver.cli.PingCommand;
import dev.toxserver.cli.QuitCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bridge}: the host side. Runs tests on a tox-server from a terminal or an editor. */
@Command(
    name = "bridge",
    versionProvider = BridgeCli.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Runs your tests on a tox-server (usually inside a container) from the host: once from the"
          + " terminal (run), again after every save (watch), or locally without a container"
          + " (--local).",
      ""
    },
    subcommands = {
      RunCommand.class,
      WatchCommand.class,
      PingCommand.class,
      QuitCommand.class,
      CancelCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  bridge -p 9876 run -- -e py312 -- -k login   tox -e py312 -- -k login, there",
      "  bridge -p 9876 watch -- -e py312             the same after every save",
      "  bridge run --local                           no container: tox right here",
      "  bridge -p 9876 ping                          is the server up? (exit 0)",
      "",
      "Exit codes: a run exits with its command's code (128+N for signal N); 1 the server refused,"
          + " 2 usage error, 69 server unreachable, 130 interrupted."
    })
public final class BridgeCli implements Callable<Integer>, CliRoot {
  @Mixin ConnectionOptions options;

  @Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
  boolean version;

  @Spec CommandSpec spec;

  private final Map<String, String> env;

  BridgeCli(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "bridge";
  }

  @Override
  public ConnectionOptions options() {
    return options;
  }

  @Override
  public Map<String, String> env() {
    return env;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    spec.commandLine().getErr().println();
    spec.commandLine()
        .getErr()
        .println("bridge: a subcommand is required (run, watch, ping, quit, cancel).");
    return ExitCodes.USAGE;
  }

  /** Runs the CLI with these arguments and environment; returns the exit code. */
  public static int execute(
      String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new BridgeCli(env));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConnectionOptions.UsageError) {
            err.println("bridge: " + e.getMessage());
            err.println("Try 'bridge --help' for usage.");
            err.flush();
            return ExitCodes.USAGE;
          }
          err.println("bridge: internal error: " + e);
          e.printStackTrace(err);
          err.flush();
          return ExitCodes.INTERNAL;
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    // The common case, 'bridge [-p N ...] run [-- ARGS]', skips building the picocli model: that
    // alone costs more start-up time than the rest of a run.
    Optional<QuickRun> quick = QuickRun.parse(args, env);
    if (quick.isPresent()) {
      int code = quick.get().execute();
      // Nothing is left to flush or stop (output went straight to the file descriptors), and an
      // orderly JVM exit with ZeroMQ's threads costs a short run a quarter of its time.
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(code);
    }
    Logging.keepLoggingAtShutdown();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(execute(args, env, out, err));
  }

  /** The version baked into the jar at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      try (InputStream in = BridgeCli.class.getResourceAsStream("version.txt")) {
        String v =
            in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        return new String[] {
          "bridge "
              + v
              + " (tox-server protocol v1, extension v"
              + dev.toxserver.protocol.Protocol.VERSION
              + ")"
        };
      }
    }
  }
}
