package dev.toxserver.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireFormatTest {
  private static final byte[] ID = {0, 1, 2, 3, 4};
  private static final byte[] EMPTY = {};

  private static Message parse(String json) throws ProtocolException {
    return WireFormat.parseRequest(List.of(ID, EMPTY, utf8(json)), 1 << 20);
  }

  private static ProtocolException failure(List<byte[]> frames) {
    return catchThrowableOfType(
        ProtocolException.class, () -> WireFormat.parseRequest(frames, 1 << 20));
  }

  private static ProtocolException failure(String json) {
    return failure(List.of(ID, EMPTY, utf8(json)));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parsesARequestAndKeepsItsRoute() throws Exception {
    Message m =
        parse(
            "{\"command\": \"RUN\", \"args\": {\"tox\": [\"-e\", \"py\"]}, \"timeout\": 2.5, \"version\": 1}");
    assertThat(m.command()).isEqualTo(Command.RUN);
    assertThat(m.args().get("tox").get(1).asText()).isEqualTo("py");
    assertThat(m.timeout()).isEqualTo(2.5);
    assertThat(m.version()).isEqualTo(1);
    assertThat(m.route()).isEqualTo(Route.of(ID));
    assertThat(m.respond(Command.PING, Json.NODES.nullNode()).route()).isEqualTo(Route.of(ID));
  }

  @Test
  void missingVersionMeansZeroAndUnknownKeysAreIgnored() throws Exception {
    Message m = parse("{\"command\": \"PING\", \"args\": null, \"colour\": \"blue\"}");
    assertThat(m.version()).isZero();
    assertThat(m.negotiatedVersion()).isEqualTo(1);
    assertThat(m.wantsRawOutput()).isFalse();
  }

  @Test
  void aTimeoutThatIsNotAPositiveNumberCountsAsNone() throws Exception {
    assertThat(parse("{\"command\": \"PING\", \"args\": null, \"timeout\": 0.0}").timeout())
        .isNull();
    assertThat(parse("{\"command\": \"PING\", \"args\": null, \"timeout\": -1}").timeout())
        .isNull();
    assertThat(parse("{\"command\": \"PING\", \"args\": null, \"timeout\": \"5\"}").timeout())
        .isNull();
    assertThat(parse("{\"command\": \"PING\", \"args\": null, \"timeout\": 5}").timeout())
        .isEqualTo(5.0);
  }

  @Test
  void badJsonIsAnsweredWithWhatWasWrong() {
    assertThat(failure("not json").getMessage()).startsWith("JSON decode error");
    assertThat(failure("[1, 2]").getMessage()).contains("JSON object").contains("array");
    assertThat(failure("\"PING\"").getMessage()).contains("JSON object");
    assertThat(failure("{\"args\": null}").getMessage()).isEqualTo("JSON missing key: 'command'");
    assertThat(failure("{\"command\": \"PING\"}").getMessage())
        .isEqualTo("JSON missing key: 'args'");
    assertThat(failure("{\"command\": 7, \"args\": null}").getMessage())
        .contains("must be a string");
    assertThat(failure("{\"command\": \"ping\", \"args\": null}").getMessage())
        .isEqualTo("Unknown command: ping");
    assertThat(failure("{\"command\": \"PING\", \"args\": null, \"version\": \"2\"}").getMessage())
        .contains("version");
    assertThat(failure("{\"command\": \"PING\", \"args\": null} trailing").getMessage())
        .startsWith("JSON decode error");
    assertThat(failure("").answerable()).isTrue();
  }

  @Test
  void framesWithoutADelimiterOrContentCanOnlyBeDropped() {
    assertThat(failure(List.of(ID, utf8("{}"))).answerable()).isFalse();
    assertThat(failure(List.of(ID, EMPTY)).answerable()).isFalse();
    assertThat(failure(List.of()).answerable()).isFalse();
    ProtocolException extra = failure(List.of(ID, EMPTY, utf8("{}"), utf8("{}")));
    assertThat(extra.answerable()).isTrue();
    assertThat(extra.getMessage()).contains("exactly one JSON frame");
  }

  @Test
  void oversizedMessagesAreRefused() {
    byte[] big = new byte[2048];
    ProtocolException e =
        catchThrowableOfType(
            ProtocolException.class, () -> WireFormat.parseRequest(List.of(ID, EMPTY, big), 1024));
    assertThat(e.getMessage()).contains("2048 bytes").contains("1024");
  }

  @Test
  void outputBodyIsTheV1JsonWithBase85Data() throws Exception {
    byte[] data = utf8("xhellox");
    Message m =
        WireFormat.parseBody(Route.NONE, WireFormat.outputBody(Stream.STDERR, data, 1, 5, 4.0, 1));
    assertThat(m.command()).isEqualTo(Command.OUTPUT);
    assertThat(m.args().get("stream").asText()).isEqualTo("STDERR");
    assertThat(m.args().get("data").asText()).isEqualTo("Xk~0{Zv");
    assertThat(m.timeout()).isEqualTo(4.0);
  }

  @Test
  void bodyRoundTripsThroughTheParser() throws Exception {
    Message sent =
        Message.request(
            Command.RUN, Json.read("{\"tox\": [\"a b\", \"\\u00e9\", \"\\\"\"]}"), null);
    Message got = WireFormat.parseBody(Route.NONE, WireFormat.body(sent));
    assertThat(got.args()).isEqualTo(sent.args());
    assertThat(got.timeout()).isNull();
    assertThat(got.version()).isEqualTo(Protocol.VERSION);
  }
}
