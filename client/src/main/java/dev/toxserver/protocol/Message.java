package dev.toxserver.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * One protocol message: {@code {"command": NAME, "args": ANY, "timeout": number|null, "version":
 * int}} plus the route it came by.
 *
 * @param route the routing frames (the sender's identity on the server side; {@link Route#NONE} on
 *     a client)
 * @param command what the message asks for or reports
 * @param args the command's arguments, any JSON value (never Java null: JSON null is {@link
 *     NullNode})
 * @param timeout seconds: the heartbeat period asked for is half of it; null for none
 * @param version the sender's protocol version (0 when the message did not say)
 */
public record Message(Route route, Command command, JsonNode args, Double timeout, int version) {

  public Message {
    if (args == null) {
      args = NullNode.getInstance();
    }
  }

  /** A request as a client sends it, announcing this implementation's protocol version. */
  public static Message request(Command command, JsonNode args, Double timeout) {
    return new Message(Route.NONE, command, args, timeout, Protocol.VERSION);
  }

  /**
   * A reply to this message: same route and timeout, so it can only go back to the sender, and the
   * version both sides speak.
   */
  public Message respond(Command replyCommand, JsonNode replyArgs) {
    return new Message(route, replyCommand, replyArgs, timeout, negotiatedVersion());
  }

  /** An ERR reply with {@code {"message": text}}. */
  public Message error(String text) {
    return respond(Command.ERR, Json.NODES.objectNode().put("message", text));
  }

  /** The version that both this message's sender and this implementation speak (at least 1). */
  public int negotiatedVersion() {
    return Math.max(1, Math.min(version, Protocol.VERSION));
  }

  /** Whether OUTPUT for this request travels as a raw extra frame. */
  public boolean wantsRawOutput() {
    return version >= Protocol.RAW_OUTPUT_VERSION;
  }

  @Override
  public String toString() {
    String a = Json.toText(args);
    if (a.length() > 200) {
      a = a.substring(0, 200) + "…";
    }
    return command + " " + a + (route.size() > 0 ? " from " + route : "");
  }
}
