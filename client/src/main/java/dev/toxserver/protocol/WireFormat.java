package dev.toxserver.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Turns ZeroMQ frames into {@link Message}s and back. */
public final class WireFormat {
  private static final byte[] EMPTY = new byte[0];

  private WireFormat() {}

  /** The empty delimiter frame between routing frames and content. */
  public static byte[] delimiter() {
    return EMPTY;
  }

  /**
   * Parses a request as a ROUTER receives it: {@code [identity…, empty, JSON]}.
   *
   * @throws ProtocolException with a route when the sender can be told what was wrong, without one
   *     when the message can only be dropped
   */
  public static Message parseRequest(List<byte[]> frames, int maxBytes) throws ProtocolException {
    if (frames.isEmpty()) {
      throw ProtocolException.unanswerable("empty message");
    }
    int delimiter = -1;
    for (int i = 1; i < frames.size(); i++) {
      if (frames.get(i).length == 0) {
        delimiter = i;
        break;
      }
    }
    if (delimiter < 0) {
      throw ProtocolException.unanswerable(
          "message of " + frames.size() + " frame(s) has no empty delimiter frame");
    }
    Route route = Route.of(frames.subList(0, delimiter).toArray(new byte[0][]));
    int contentFrames = frames.size() - delimiter - 1;
    if (contentFrames == 0) {
      throw ProtocolException.unanswerable("message has no content after the delimiter");
    }
    if (contentFrames > 1) {
      throw new ProtocolException(
          route,
          "Expected exactly one JSON frame after the delimiter, got " + contentFrames + " frames.");
    }
    byte[] body = frames.get(delimiter + 1);
    if (body.length > maxBytes) {
      throw new ProtocolException(
          route,
          "Message of " + body.length + " bytes is over the server's limit of " + maxBytes + ".");
    }
    return parseBody(route, body);
  }

  /** Parses one JSON frame sent by {@code route}. */
  public static Message parseBody(Route route, byte[] body) throws ProtocolException {
    if (body.length == 0) {
      throw new ProtocolException(route, "Invalid message missing content");
    }
    JsonNode tree;
    try {
      tree = Json.read(body);
    } catch (IOException e) {
      throw new ProtocolException(route, "JSON decode error: " + firstLine(e.getMessage()));
    }
    if (!tree.isObject()) {
      throw new ProtocolException(
          route,
          "Message must be a JSON object, got " + tree.getNodeType().name().toLowerCase() + ".");
    }
    JsonNode command = tree.get("command");
    if (command == null) {
      throw new ProtocolException(route, "JSON missing key: 'command'");
    }
    if (!command.isTextual()) {
      throw new ProtocolException(route, "'command' must be a string.");
    }
    Command cmd =
        Command.byName(command.textValue())
            .orElseThrow(
                () -> new ProtocolException(route, "Unknown command: " + command.textValue()));
    JsonNode args = tree.get("args");
    if (args == null) {
      throw new ProtocolException(route, "JSON missing key: 'args'");
    }
    int version = 0;
    JsonNode v = tree.get("version");
    if (v != null && !v.isNull()) {
      if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
        throw new ProtocolException(route, "'version' must be a non-negative integer.");
      }
      version = v.intValue();
    }
    return new Message(route, cmd, args, timeoutOf(tree.get("timeout")), version);
  }

  /** A timeout that is not a positive finite number counts as none. */
  private static Double timeoutOf(JsonNode t) {
    if (t == null || !t.isNumber()) {
      return null;
    }
    double d = t.doubleValue();
    return d > 0 && Double.isFinite(d) ? d : null;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid JSON";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The JSON frame of a message. */
  public static byte[] body(Message m) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("command", m.command().name());
    o.set("args", m.args());
    if (m.timeout() == null) {
      o.putNull("timeout");
    } else {
      o.put("timeout", m.timeout());
    }
    o.put("version", m.version());
    return Json.write(o);
  }

  /**
   * The v1 JSON frame of an OUTPUT message, written directly: base85 needs no JSON escaping, so the
   * encoded bytes go straight between the quotes.
   */
  public static byte[] outputBody(
      Stream stream, byte[] data, int off, int len, Double timeout, int version) {
    byte[] head =
        ("{\"command\": \"OUTPUT\", \"args\": {\"stream\": \"" + stream.name() + "\", \"data\": \"")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] tail =
        ("\"}, \"timeout\": "
                + (timeout == null ? "null" : timeout)
                + ", \"version\": "
                + version
                + "}")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + Base85.encodedLength(len) + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    int n = Base85.encode(data, off, len, out, head.length);
    System.arraycopy(tail, 0, out, head.length + n, tail.length);
    return out;
  }

  /**
   * The JSON frame of an OUTPUT message whose bytes follow in a raw extra frame (protocol version
   * {@link Protocol#RAW_OUTPUT_VERSION} and later): {@code args = {"stream": S, "encoding":
   * "raw"}}.
   */
  public static byte[] rawOutputHeader(Stream stream, Double timeout, int version) {
    return ("{\"command\": \"OUTPUT\", \"args\": {\"stream\": \""
            + stream.name()
            + "\", \"encoding\": \"raw\"}, \"timeout\": "
            + (timeout == null ? "null" : timeout)
            + ", \"version\": "
            + version
            + "}")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
