package dev.toxserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Message;

/**
 * The shape INTERRUPT and CANCEL share: their args name the command whose tasks they are about,
 * {@code {"command": NAME}}; a request without a known one is answered with an ERR here.
 */
abstract class TargetedRunHandler implements CommandHandler {
  final Runs runs;
  final Outbox outbox;

  TargetedRunHandler(Runs runs, Outbox outbox) {
    this.runs = runs;
    this.outbox = outbox;
  }

  @Override
  public final void handle(Message m) {
    JsonNode c = m.args().isObject() ? m.args().get("command") : null;
    if (c == null || !c.isTextual()) {
      outbox.send(
          m.error(
              m.command()
                  + " args must be an object {\"command\": NAME}, e.g. {\"command\": \"RUN\"}."));
      return;
    }
    Command target = Command.byName(c.textValue()).orElse(null);
    if (target == null) {
      outbox.send(m.error("Unknown command " + c.textValue()));
      return;
    }
    handle(m, target);
  }

  /** Answers {@code m}, which is about {@code target}'s tasks. */
  abstract void handle(Message m, Command target);
}
