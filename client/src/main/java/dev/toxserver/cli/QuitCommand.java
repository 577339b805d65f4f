package dev.toxserver.cli;

import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import java.time.Duration;
import picocli.CommandLine.Command;

/** {@code tox-server quit}: graceful shutdown. */
@Command(
    name = "quit",
    sortOptions = false,
    description = {
      "Ask the server to stop: it answers DONE, takes no new runs, lets the runs it already"
          + " accepted finish, then exits 0.",
      ""
    })
public final class QuitCommand extends ClientCommand {
  @Override
  String ask(ToxServerClient client, Duration timeout)
      throws ServerUnreachableException, ServerErrorException {
    return client.quit(timeout).asText();
  }
}
