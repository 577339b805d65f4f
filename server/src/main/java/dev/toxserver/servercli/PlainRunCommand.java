package dev.toxserver.servercli;

import dev.toxserver.cli.CliRoot;
import dev.toxserver.cli.ConnectionOptions;
import dev.toxserver.cli.ExitCodes;
import dev.toxserver.cli.TerminalRun;
import dev.toxserver.client.ServerAddress;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.keys.KeyFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tox-server run -- ARGS}: the original tool's plain client. The bridge's {@code run} is the
 * full-featured one; this one keeps old habits and scripts working and needs nothing but the jar.
 */
@Command(
    name = "run",
    sortOptions = false,
    description = {
      "Run the server's command with ARGS appended and stream its output here byte-exactly,"
          + " stdout to stdout and stderr to stderr. Exits with the command's exit code (128+N"
          + " when signal N ended it). ^C cancels the run on the server; a second ^C exits at"
          + " once (130).",
      ""
    })
final class PlainRunCommand implements Callable<Integer> {
  @ParentCommand CliRoot parent;

  @Mixin ConnectionOptions options;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "ARGS",
      description = "Arguments for the command on the server; put them after '--'.")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    ConnectionOptions.Resolved r = ConnectionOptions.setUp(options, parent);
    String endpoint = r.clientEndpoint();
    TerminalRun.Settings settings =
        new TerminalRun.Settings(parent.name(), r.clientTimeout(), false, false);
    ServerAddress address;
    try {
      // The plain client runs in the container as the server's user: it may use the server's keys.
      address = r.clientSetup(parent).address(endpoint, Path.of(""));
    } catch (KeyFileException e) {
      spec.commandLine().getErr().println(parent.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    }
    try (ToxServerClient client = address.connect()) {
      return TerminalRun.inThisTerminal(client, settings, () -> {}, args);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(parent.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    }
  }
}
