package dev.toxserver.servercli;

import dev.toxserver.cli.CancelCommand;
import dev.toxserver.cli.PingCommand;
import dev.toxserver.cli.ProgramRoot;
import dev.toxserver.cli.QuitCommand;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tox-server}: the server that runs inside the container, and commands to talk to it. */
@Command(
    name = "tox-server",
    versionProvider = ProgramRoot.Version.class,
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
public final class ToxServerCli extends ProgramRoot {

  @Mixin BindOption bind;

  ToxServerCli(Map<String, String> env) {
    super("tox-server", env, true, "serve, run, ping, quit, cancel");
  }

  public static void main(String[] args) {
    new ToxServerCli(System.getenv()).executeAndExit(args);
  }
}
