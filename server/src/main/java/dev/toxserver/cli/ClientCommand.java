package dev.toxserver.cli;

import dev.toxserver.auth.KeyFileException;
import dev.toxserver.client.AuthenticationException;
import dev.toxserver.client.ServerAddress;
import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
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

  /**
   * Whether this runs as {@code tox-server} (in the container, as the server's user), which may
   * authenticate with the server's own key pair; the bridge never does.
   */
  private boolean isServerCli() {
    return parent instanceof ToxServerCli;
  }

  @Override
  public Integer call() {
    ConnectionOptions.Resolved r = ConnectionOptions.setUp(options, parent);
    String endpoint = r.clientEndpoint();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ServerAddress address;
    try {
      address = ClientSetup.of(r, parent.env(), isServerCli()).address(endpoint, Path.of(""));
    } catch (KeyFileException e) {
      err.println(parent.name() + ": " + e.getMessage());
      return ExitCodes.AUTH;
    }
    try (ToxServerClient client = address.connect()) {
      out.println(ask(client, r.clientTimeout()));
      return 0;
    } catch (AuthenticationException e) {
      err.println(parent.name() + ": " + e.getMessage());
      return ExitCodes.AUTH;
    } catch (ServerUnreachableException | IllegalArgumentException e) {
      err.println(parent.name() + ": " + e.getMessage());
      return ExitCodes.UNREACHABLE;
    } catch (ServerErrorException e) {
      err.println(parent.name() + ": the server answered with an error: " + e.getMessage());
      return 1;
    }
  }
}
