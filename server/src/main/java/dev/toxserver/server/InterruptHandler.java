package dev.toxserver.server;

import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Message;
import java.util.logging.Logger;

/**
 * INTERRUPT: cancels the sender's own run; its RUN request is then answered (an ERR when it was
 * still queued, the return code when it had started).
 */
final class InterruptHandler implements CommandHandler {
  private static final Logger LOG = Logger.getLogger("tox-server");

  private final Runs runs;
  private final Outbox outbox;

  InterruptHandler(Runs runs, Outbox outbox) {
    this.runs = runs;
    this.outbox = outbox;
  }

  @Override
  public void handle(Message m) {
    Command target = TargetCommand.of(m, outbox);
    if (target == null) {
      return;
    }
    Run run = target == Command.RUN ? runs.of(m.route()) : null;
    if (run == null) {
      outbox.send(m.error("Could not find task"));
      return;
    }
    LOG.info("Interrupting " + run + " at its client's request");
    runs.cancel(run);
  }
}
