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
  private final ServerConfig.Limits limits;
  private final Runs runs;
  private final Shutdown shutdown;
  private final Outbox outbox;

  RunHandler(ServerConfig.Limits limits, Runs runs, Shutdown shutdown, Outbox outbox) {
    this.limits = limits;
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
    if (runs.queued() >= limits.maxQueuedRuns()) {
      outbox.send(
          m.error(
              "The server already has "
                  + runs.queued()
                  + " runs waiting, its limit (--max-queued-runs); try again once some have"
                  + " finished."));
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
    if (tox.size() > limits.maxRunArgs()) {
      outbox.send(
          m.error(
              "RUN has "
                  + tox.size()
                  + " arguments; the server takes at most "
                  + limits.maxRunArgs()
                  + " (--max-run-args)."));
      return null;
    }
    List<String> args = new ArrayList<>(tox.size());
    long bytes = 0;
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
      bytes += utf8Length(a.textValue());
      if (bytes > limits.maxRunArgBytes()) {
        outbox.send(
            m.error(
                "RUN arguments are over the server's limit of "
                    + limits.maxRunArgBytes()
                    + " bytes together (--max-run-arg-bytes)."));
        return null;
      }
      args.add(a.textValue());
    }
    return args;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static String typeName(JsonNode n) {
    return n.getNodeType().name().toLowerCase();
  }
}
