package dev.toxserver.cli;

import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.protocol.Json;
import java.time.Duration;
import picocli.CommandLine.Command;

/** {@code tox-server ping}: health data as JSON. */
@Command(
    name = "ping",
    sortOptions = false,
    description = {
      "Ask the server for its health data and print it as JSON: time, tasks (runs queued or"
          + " running), version, workdir, command. Exits 0 when the server answered, 69 when it"
          + " did not within the timeout — usable as a docker-compose healthcheck.",
      ""
    })
public final class PingCommand extends ClientCommand {
  @Override
  String ask(ToxServerClient client, Duration timeout)
      throws ServerUnreachableException, ServerErrorException {
    return Json.toText(client.ping(timeout));
  }
}
