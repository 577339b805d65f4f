package dev.toxserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Protocol;

/** PING: the server's time, its runs in flight, protocol version, working directory and command. */
final class PingHandler implements CommandHandler {
  private final ServerConfig config;
  private final Runs runs;
  private final Outbox outbox;

  PingHandler(ServerConfig config, Runs runs, Outbox outbox) {
    this.config = config;
    this.runs = runs;
    this.outbox = outbox;
  }

  @Override
  public void handle(Message request) {
    outbox.send(request.respond(Command.PING, pingArgs()));
  }

  private JsonNode pingArgs() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("time", System.currentTimeMillis() / 1000.0);
    o.put("tasks", runs.size());
    o.put("version", Protocol.VERSION);
    o.put("workdir", config.workdir().toString());
    ArrayNode cmd = o.putArray("command");
    config.command().forEach(cmd::add);
    return o;
  }
}
