package dev.toxserver.servercli;

import dev.toxserver.cli.CancelCommand;
import dev.toxserver.cli.CliRoot;
import dev.toxserver.cli.CommandLineRunner;
import dev.toxserver.cli.ConnectionOptions;
import dev.toxserver.cli.Logging;
import dev.toxserver.cli.PingCommand;
import dev.toxserver.cli.QuitCommand;
import dev.toxserver.cli.VersionLine;
import java.io.IOException;
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
      PlainRunCommand.class,
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
          + " 69 server unreachable, 77 authentication failed (key rejected, CURVE on one side"
          + " only, or a bad key file)."
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
  public boolean serverKeysAllowed() {
    return true;
  }

  @Override
  public Integer call() {
    return CommandLineRunner.subcommandRequired(spec, name(), "serve, run, ping, quit, cancel");
  }

  /** Runs the CLI with these arguments and environment; returns the exit code. */
  public static int execute(
      String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    return CommandLineRunner.execute(new ToxServerCli(env), "tox-server", args, out, err);
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
      return new String[] {VersionLine.of("tox-server")};
    }
  }
}
