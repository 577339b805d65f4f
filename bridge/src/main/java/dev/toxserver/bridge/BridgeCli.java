package dev.toxserver.bridge;

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
  public boolean serverKeysAllowed() {
    return false;
  }

  @Override
  public Integer call() {
    return CommandLineRunner.subcommandRequired(
        spec, name(), "run, watch, stdio, auth, ping, quit, cancel");
  }

  /** Runs the CLI with these arguments and environment; returns the exit code. */
  public static int execute(
      String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    return CommandLineRunner.execute(new BridgeCli(env), "bridge", args, out, err);
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
      return new String[] {VersionLine.of("bridge")};
    }
  }
}
