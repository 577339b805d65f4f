package dev.toxserver.bridge;

import dev.toxserver.cli.CancelCommand;
import dev.toxserver.cli.PingCommand;
import dev.toxserver.cli.ProgramRoot;
import dev.toxserver.cli.QuitCommand;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code bridge}: the host side. Runs tests on a tox-server from a terminal or an editor. */
@Command(
    name = "bridge",
    versionProvider = ProgramRoot.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Runs your tests on a tox-server (usually inside a container) from the host: once from the"
          + " terminal (run), again after every save (watch), for an editor over JSON-RPC (stdio),"
          + " or locally without a container (--local). Connections are authenticated and"
          + " encrypted (CURVE) when the project's .tox-server/server.key exists; 'bridge auth'"
          + " authorises this client.",
      ""
    },
    subcommands = {
      RunCommand.class,
      WatchCommand.class,
      StdioCommand.class,
      AuthCommand.class,
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
      "  bridge auth                                  authorise this client with the project's"
          + " server",
      "",
      "Exit codes: a run exits with its command's code (128+N for signal N); 1 the server refused,"
          + " 2 usage error, 69 server unreachable, 77 authentication failed (key rejected, CURVE on"
          + " one side only, or a bad key file), 130 interrupted."
    })
public final class BridgeCli extends ProgramRoot {

  BridgeCli(Map<String, String> env) {
    super("bridge", env, false, "run, watch, stdio, auth, ping, quit, cancel");
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
    new BridgeCli(env).executeAndExit(args);
  }
}
