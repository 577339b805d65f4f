package dev.toxserver.server;

import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import java.util.logging.Logger;

/** CANCEL: cancels every client's runs and answers with how many there were. */
final class CancelHandler extends TargetedRunHandler {
  private static final Logger LOG = Logger.getLogger("tox-server");

  CancelHandler(Runs runs, Outbox outbox) {
    super(runs, outbox);
  }

  @Override
  void handle(Message m, Command target) {
    int n = 0;
    if (target == Command.RUN) {
      n = runs.cancelAll();
      if (n > 0) {
        LOG.info("CANCEL: cancelled " + n + " run(s)");
      }
    }
    outbox.send(m.respond(Command.CANCEL, Json.NODES.objectNode().put("cancelled", n)));
  }
}
