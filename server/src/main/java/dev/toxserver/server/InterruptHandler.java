package dev.toxserver.server;

import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Message;
import java.util.logging.Logger;

/**
 * INTERRUPT: cancels the sender's own run; its RUN request is then answered (an ERR when it was
 * still queued, the return code when it had started).
 */
final class InterruptHandler extends TargetedRunHandler {
  private static final Logger LOG = Logger.getLogger("tox-server");

  InterruptHandler(Runs runs, Outbox outbox) {
    super(runs, outbox);
  }

  @Override
  void handle(Message m, Command target) {
    Run run = target == Command.RUN ? runs.of(m.route()) : null;
    if (run == null) {
      outbox.send(m.error("Could not find task"));
      return;
    }
    LOG.info("Interrupting " + run + " at its client's request");
    runs.cancel(run);
  }
}
