package dev.toxserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * RUN: checks the arguments and queues the run; its output and final reply come from {@link Runs}.
 * One run per client at a time.
 */
final class RunHandler implements CommandHandler {
  private final Runs runs;
  private final Shutdown shutdown;
  private final Outbox outbox;

  RunHandler(Runs runs, Shutdown shutdown, Outbox outbox) {
    this.runs = runs;
    this.shutdown = shutdown;
    this.outbox = outbox;
  }

  @Override
  public void handle(Message m) {
    List<String> args = argsOf(m);
    if (args == null) {
      return;
    }
    if (runs.has(m.route())) {
      outbox.send(
          m.respond(
              Command.ERR,
              Json.NODES
                  .objectNode()
                  .put("message", "A task has already started.")
                  .put("command", m.command().name())));
      return;
    }
    if (shutdown.underway()) {
      outbox.send(m.error("The server is shutting down and takes no new runs."));
      return;
    }
    runs.accept(m, args);
  }

  /** The tox arguments, or null after answering with an ERR. */
  private List<String> argsOf(Message m) {
    JsonNode tox = m.args().isObject() ? m.args().get("tox") : null;
    if (tox == null) {
      outbox.send(m.error("RUN args must be an object {\"tox\": [str, ...]}."));
      return null;
    }
    if (!tox.isArray()) {
      outbox.send(m.error("RUN args 'tox' must be a list of strings, got " + typeName(tox) + "."));
      return null;
    }
    List<String> args = new ArrayList<>();
    for (JsonNode a : tox) {
      if (!a.isTextual()) {
        outbox.send(
            m.error("RUN args 'tox' must be a list of strings; found " + typeName(a) + "."));
        return null;
      }
      if (a.textValue().indexOf('\0') >= 0) {
        outbox.send(m.error("RUN arguments cannot contain NUL characters."));
        return null;
      }
      args.add(a.textValue());
    }
    return args;
  }

  private static String typeName(JsonNode n) {
    return n.getNodeType().name().toLowerCase();
  }
}
