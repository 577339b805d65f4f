package dev.toxserver.server;

import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import java.util.logging.Logger;

/** QUIT: the accepted runs finish, then the server exits; no new run is taken meanwhile. */
final class QuitHandler implements CommandHandler {
  private static final Logger LOG = Logger.getLogger("tox-server");

  private final Shutdown shutdown;
  private final Outbox outbox;

  QuitHandler(Shutdown shutdown, Outbox outbox) {
    this.shutdown = shutdown;
    this.outbox = outbox;
  }

  @Override
  public void handle(Message request) {
    LOG.info("QUIT received: finishing accepted runs, then exiting");
    shutdown.quit();
    outbox.send(request.respond(Command.QUIT, Json.NODES.textNode("DONE")));
  }
}
