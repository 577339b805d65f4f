package dev.toxserver.server;

import dev.toxserver.protocol.Message;

/** Answers the requests of one command, on the loop thread; {@link Dispatch} picks it. */
@FunctionalInterface
interface CommandHandler {
  void handle(Message request);
}
