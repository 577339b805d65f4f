package dev.toxserver.cli;

import dev.toxserver.client.ServerAddress;
import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.keys.KeyFileException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The shared part of ping, quit and cancel: connect, ask once, print the answer. */
public abstract class ClientCommand implements Callable<Integer> {
  @ParentCommand CliRoot parent;

  @Mixin ConnectionOptions options;

  @Spec CommandSpec spec;

  /** Asks the server and returns what to print. */
  abstract String ask(ToxServerClient client, Duration timeout)
      throws ServerUnreachableException, ServerErrorException;

  @Override
  public Integer call() {
    ConnectionOptions.Resolved r = ConnectionOptions.setUp(options, parent);
    String endpoint = r.clientEndpoint();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ServerAddress address;
    try {
      address = r.clientSetup(parent).address(endpoint, Path.of(""));
    } catch (KeyFileException e) {
      err.println(parent.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    }
    try (ToxServerClient client = address.connect()) {
      out.println(ask(client, r.clientTimeout()));
      return 0;
    } catch (ServerUnreachableException | IllegalArgumentException e) {
      err.println(parent.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    } catch (ServerErrorException e) {
      err.println(parent.name() + ": the server answered with an error: " + e.getMessage());
      return ExitCodes.of(e);
    }
  }
}
