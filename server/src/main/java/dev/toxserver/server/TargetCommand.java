package dev.toxserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Message;

/** The command whose tasks INTERRUPT and CANCEL are about: args {@code {"command": NAME}}. */
final class TargetCommand {
  private TargetCommand() {}

  /** The command the request names, or null after answering it with an ERR. */
  static Command of(Message m, Outbox outbox) {
    JsonNode c = m.args().isObject() ? m.args().get("command") : null;
    if (c == null || !c.isTextual()) {
      outbox.send(
          m.error(
              m.command()
                  + " args must be an object {\"command\": NAME}, e.g. {\"command\": \"RUN\"}."));
      return null;
    }
    Command target = Command.byName(c.textValue()).orElse(null);
    if (target == null) {
      outbox.send(m.error("Unknown command " + c.textValue()));
    }
    return target;
  }
}
