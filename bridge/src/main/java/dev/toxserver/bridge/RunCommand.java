package dev.toxserver.bridge;

import dev.toxserver.cli.CliRoot;
import dev.toxserver.cli.ConnectionOptions;
import dev.toxserver.cli.ExitCodes;
import dev.toxserver.cli.Logging;
import dev.toxserver.cli.StartUpException;
import dev.toxserver.cli.TerminalRun;
import dev.toxserver.client.ServerAddress;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.keys.KeyFileException;
import dev.toxserver.local.LocalServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bridge run [--local] [-- TOX_ARGS...]}: one run, shown live in this terminal. */
@Command(
    name = "run",
    sortOptions = false,
    description = {
      "Run tox on the server with TOX_ARGS and show its output here as it arrives, byte for byte:"
          + " stdout to stdout, stderr to stderr. Ends with a summary line on stderr ([DONE] or"
          + " [FAIL]) and exits with tox's exit code (128+N when signal N ended it).",
      "^C cancels the run on the server (its whole process tree ends) and exits with the run's"
          + " code; a second ^C exits at once (130). A run waiting behind another client's for"
          + " over 2 s says 'Command RUN is queued'.",
      ""
    })
final class RunCommand implements Callable<Integer> {
  @ParentCommand CliRoot parent;

  @Mixin ConnectionOptions options;

  @Option(
      names = "--local",
      description =
          "No container: start a server in this process on a free loopback port, running tox"
              + " (or --command) in this directory, and use it. -p and -h are not needed.")
  boolean local;

  @Option(
      names = "--command",
      paramLabel = "CMD",
      description =
          "With --local: the program and leading arguments to run instead of tox, split like a"
              + " shell splits words (no shell runs it), e.g. --command 'python3 -m unittest'.")
  String command;

  @Parameters(
      paramLabel = "TOX_ARGS",
      description =
          "Arguments for tox, after '--'. Everything after the first '--' is passed on as is,"
              + " including a second '--' (tox's own separator before test-runner arguments).")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    return run(parent, options, local, command, args);
  }

  /** The whole command, shared by picocli and the start-up fast path ({@link QuickRun}). */
  static int run(
      CliRoot root, ConnectionOptions own, boolean local, String command, List<String> args) {
    ConnectionOptions.Resolved r = ConnectionOptions.resolve(own, root);
    if (local || !r.logLevel().equals(Level.INFO)) {
      // Only then can anything log; setting up java.util.logging costs a plain run ~25 ms.
      Logging.configure(r.logLevel(), System.err);
    }
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    LocalServer server;
    try {
      server = LocalServer.startIfLocal(local, command, Path.of(""), r.logLevel());
    } catch (StartUpException e) {
      err.println(root.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    }
    ServerAddress address;
    try {
      address =
          server != null
              ? ServerAddress.plain(server.endpoint()) // in-process and loopback: no keys needed
              : r.clientSetup(root).address(r.clientEndpoint(), Path.of(""));
    } catch (KeyFileException e) {
      err.println(root.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    }
    TerminalRun.Settings settings =
        new TerminalRun.Settings(
            root.name(), r.clientTimeout(), true, Terminal.colorOnStderr(root.env()));
    try (LocalServer embedded = server;
        ToxServerClient client = address.connect()) {
      return TerminalRun.inThisTerminal(
          client, settings, embedded == null ? () -> {} : embedded::killRunsNow, args);
    } catch (IllegalArgumentException e) {
      err.println(root.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    }
  }
}
