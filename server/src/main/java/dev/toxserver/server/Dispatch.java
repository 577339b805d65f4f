package dev.toxserver.server;

import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Message;
import dev.toxserver.text.LogText;
import java.util.EnumMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands each request to the handler of its command, as the original Python tox-server does: a table
 * keyed by {@link Command}. Commands that only the server sends have no handler and are refused.
 * Loop thread only.
 */
final class Dispatch {
  private static final Logger LOG = Logger.getLogger("tox-server");

  private final Map<Command, CommandHandler> handlers;
  private final Outbox outbox;
  private final ClientLogLimit logLimit = new ClientLogLimit();

  /**
   * @param outbox where refusals and internal errors are answered
   */
  Dispatch(Map<Command, CommandHandler> handlers, Outbox outbox) {
    this.handlers = new EnumMap<>(handlers);
    this.outbox = outbox;
  }

  /** Answers a request, with an ERR when its handler fails. */
  void dispatch(Message request) {
    try {
      handle(request);
    } catch (RuntimeException e) {
      String note = logLimit.admit(request.route());
      if (note != null) {
        LOG.log(Level.SEVERE, "Error handling " + LogText.excerpt(request) + note, e);
      }
      outbox.send(request.error("Internal server error: " + e));
    }
  }

  private void handle(Message request) {
    CommandHandler handler = handlers.get(request.command());
    if (handler == null) {
      outbox.send(
          request.error("Command " + request.command() + " is sent by the server, not to it."));
      return;
    }
    handler.handle(request);
  }
}
