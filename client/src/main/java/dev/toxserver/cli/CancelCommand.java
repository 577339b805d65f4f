package dev.toxserver.cli;

import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import java.time.Duration;
import picocli.CommandLine.Command;

/** {@code tox-server cancel}: cancel every client's runs. */
@Command(
    name = "cancel",
    sortOptions = false,
    description = {
      "Cancel every run on the server, from every client: queued runs are dropped, the running"
          + " one's whole process tree is ended. Prints {\"cancelled\": N}.",
      ""
    })
public final class CancelCommand extends ClientCommand {
  @Override
  String ask(ToxServerClient client, Duration timeout)
      throws ServerUnreachableException, ServerErrorException {
    return "{\"cancelled\": " + client.cancelAll(timeout) + "}";
  }
}
