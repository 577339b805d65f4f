package dev.toxserver.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tox-server}: the server that runs inside the container, and commands to talk to it. */
@Command(
    name = "tox-server",
    versionProvider = ToxServerCli.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Runs tox (or another command) inside a container on request and streams its output back"
          + " live to the client: the bridge, the VS Code extension, or the original Python"
          + " tox-server client (protocol v1).",
      ""
    },
    subcommands = {
      ServeCommand.class,
      RunCommand.class,
      PingCommand.class,
      QuitCommand.class,
      CancelCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  tox-server -p 9876 serve                 listen on 127.0.0.1:9876, run tox per request",
      "  tox-server -p 9876 serve --command 'pytest -q'",
      "  tox-server -p 9876 run -- -e py312       run 'tox -e py312' on the server, output here",
      "  tox-server -p 9876 ping                  health check (JSON; exit 0 when up)",
      "  tox-server -p 9876 quit                  finish running work, then stop",
      "",
      "Exit codes: 0 ok, 1 error reported by the server or start-up failure, 2 usage error,"
          + " 69 server unreachable."
    })
public final class ToxServerCli implements Callable<Integer>, CliRoot {

  @Mixin ConnectionOptions options;

  @Mixin BindOption bind;

  @Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
  boolean version;

  @Spec CommandSpec spec;

  final Map<String, String> env;

  ToxServerCli(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "tox-server";
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
        .println("tox-server: a subcommand is required (serve, run, ping, quit, cancel).");
    return 2;
  }

  /** Runs the CLI with these arguments and environment; returns the exit code. */
  public static int execute(
      String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new ToxServerCli(env));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConnectionOptions.UsageError) {
            err.println("tox-server: " + e.getMessage());
            err.println("Try 'tox-server --help' for usage.");
            err.flush();
            return 2;
          }
          err.println("tox-server: internal error: " + e);
          e.printStackTrace(err);
          err.flush();
          return 70;
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  public static void main(String[] args) {
    Logging.keepLoggingAtShutdown();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(execute(args, System.getenv(), out, err));
  }

  /** The version baked into the jar at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      try (InputStream in = ToxServerCli.class.getResourceAsStream("version.txt")) {
        String v =
            in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        return new String[] {
          "tox-server "
              + v
              + " (protocol v1, extension v"
              + dev.toxserver.protocol.Protocol.VERSION
              + ")"
        };
      }
    }
  }
}
