package dev.toxserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toxserver.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One run's record (see {@link RunRecords}): its session leader, the server that started it, the
 * SHA-256 of the token in its environment, and what it ran. Every field is required: a record
 * missing one is refused, never read with a default that would turn a check off.
 *
 * @param start field 22 of /proc/PID/stat of the leader, which tells it from a later process given
 *     the same pid
 * @param file where it was read from; null for one not yet written
 */
record RunRecord(
    long pid,
    long start,
    long serverPid,
    long serverStart,
    String bootId,
    String pidNamespace,
    String tokenSha256,
    List<String> argv,
    Path file) {

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  /** A file that is not a complete record. */
  static final class InvalidRunRecordException extends IOException {
    InvalidRunRecordException(String message) {
      super(message);
    }
  }

  byte[] toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("pid", pid);
    o.put("start", start);
    o.put("server_pid", serverPid);
    o.put("server_start", serverStart);
    o.put("boot_id", bootId);
    o.put("pid_ns", pidNamespace);
    o.put("token_sha256", tokenSha256);
    ArrayNode a = o.putArray("argv");
    argv.forEach(a::add);
    return (Json.toText(o) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The record in {@code json}, read from {@code file}.
   *
   * @throws InvalidRunRecordException naming the first field that is missing or wrong
   */
  static RunRecord parse(byte[] json, Path file) throws InvalidRunRecordException {
    JsonNode o;
    try {
      o = Json.read(json);
    } catch (IOException | RuntimeException e) {
      throw new InvalidRunRecordException("not JSON");
    }
    if (o == null || !o.isObject()) {
      throw new InvalidRunRecordException("not a JSON object");
    }
    long pid = number(o, "pid");
    long start = number(o, "start");
    long serverPid = number(o, "server_pid");
    long serverStart = number(o, "server_start");
    String bootId = text(o, "boot_id");
    String pidNamespace = text(o, "pid_ns");
    String token = text(o, "token_sha256");
    if (!SHA256_HEX.matcher(token).matches()) {
      throw new InvalidRunRecordException("token_sha256 is not 64 hex digits");
    }
    JsonNode a = o.get("argv");
    if (a == null || !a.isArray()) {
      throw new InvalidRunRecordException("argv is missing");
    }
    List<String> argv = new ArrayList<>();
    a.forEach(x -> argv.add(x.asText()));
    return new RunRecord(
        pid, start, serverPid, serverStart, bootId, pidNamespace, token, List.copyOf(argv), file);
  }

  /** A whole number ≥ 0 (a pid, a start time): -1 and friends are refused, not taken as "off". */
  private static long number(JsonNode o, String field) throws InvalidRunRecordException {
    JsonNode n = o.get(field);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
      throw new InvalidRunRecordException(field + " is missing or not a whole number >= 0");
    }
    return n.asLong();
  }

  private static String text(JsonNode o, String field) throws InvalidRunRecordException {
    JsonNode n = o.get(field);
    if (n == null || !n.isTextual() || n.asText().isEmpty()) {
      throw new InvalidRunRecordException(field + " is missing");
    }
    return n.asText();
  }
}
