package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.client.ToxServerClient;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Protocol;
import dev.toxserver.protocol.Route;
import dev.toxserver.protocol.WireFormat;
import dev.toxserver.support.AsyncClient;
import dev.toxserver.support.Await;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.RawClient;
import dev.toxserver.support.Recorder;
import dev.toxserver.support.TestServer;
import dev.toxserver.support.ZmtpPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that try to exhaust the server's memory or hold the run slot (issue 11, items 2 and 5),
 * each against a real server on loopback. Memory is measured as this JVM's live heap (after GC)
 * while the attack's state is held.
 */
@Timeout(90)
class ResourceLimitsTest {
  private static final Duration T = Duration.ofSeconds(20);

  @TempDir Path dir;

  private TestServer start(ServerConfig.Limits limits) throws Exception {
    return new TestServer(
        ServerConfig.local(FakeTox.loggingTo(log()), dir)
            .withKillGrace(Duration.ofSeconds(2))
            .withLimits(limits));
  }

  private Path log() throws Exception {
    Path log = dir.resolve("runs.log");
    if (!Files.exists(log)) {
      Files.createFile(log);
    }
    return log;
  }

  private static ServerConfig.Limits limits() {
    return ServerConfig.Limits.DEFAULTS;
  }

  static long liveHeapMb() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return (rt.totalMemory() - rt.freeMemory()) >> 20;
  }

  private static String unknownCommand(int chars) {
    return "{\"command\": \"" + "X".repeat(chars) + "\", \"args\": null}";
  }

  @Test
  void anErrorReplyNeverEchoesTheRequest() throws Exception {
    try (TestServer s = start(limits());
        RawClient raw = new RawClient(s.endpoint)) {
      raw.send(unknownCommand(1_000_000));
      List<byte[]> reply = raw.receiveFrames(T);
      assertThat(reply).isNotNull();
      assertThat(reply.get(1).length).as("ERR reply bytes").isLessThan(1024);
      Message m = WireFormat.parseBody(Route.NONE, reply.get(1));
      assertThat(m.command()).isEqualTo(Command.ERR);
      assertThat(m.args().get("message").asText()).startsWith("Unknown command: XXX");
    }
  }

  @Test
  void aClientThatSendsLargeBadRequestsAndNeverReadsCannotFillTheServersMemory() throws Exception {
    try (TestServer s = start(limits())) {
      long idle = liveHeapMb();
      try (RawClient raw = new RawClient(s.endpoint, 1)) {
        String bad = unknownCommand(1_000_000);
        for (int i = 0; i < 150; i++) {
          raw.send(bad);
        }
        // A run after them: once it is logged, the server has answered all of them.
        raw.send("{\"command\": \"RUN\", \"args\": {\"tox\": [\"echo\", \"marker\"]}}");
        Await.until(() -> Files.readAllLines(log()).size() == 1, T, "the marker run");
        long held = liveHeapMb() - idle;
        System.out.println("150 x 1 MiB bad requests, never read: live heap +" + held + " MB");
        assertThat(held).as("MB held for the client").isLessThan(40);
      }
      try (ToxServerClient c = new ToxServerClient(s.endpoint)) {
        assertThat(c.ping(T).get("tasks").asInt()).isLessThanOrEqualTo(1);
      }
    }
  }

  @Test
  void queuedRunsAreLimitedInTotal() throws Exception {
    try (TestServer s = start(new ServerConfig.Limits(2, 4096, 256 << 10, T, T))) {
      Path release = dir.resolve("release");
      AsyncClient holder = AsyncClient.run(s.endpoint, List.of("wait-for", release.toString()));
      holder.recorder.awaitStdout("waiting for", T);
      AsyncClient q1 = queued(s, "echo", "1");
      AsyncClient q2 = queued(s, "echo", "2");
      try (RawClient third = new RawClient(s.endpoint)) {
        third.send("{\"command\": \"RUN\", \"args\": {\"tox\": [\"echo\", \"3\"]}}");
        Message m = third.receiveSkippingHeartbeats(T);
        assertThat(m.command()).isEqualTo(Command.ERR);
        assertThat(m.args().get("message").asText()).contains("--max-queued-runs");
      }
      Files.createFile(release);
      assertThat(holder.await(T).returncode()).isZero();
      assertThat(q1.await(T).returncode()).isZero();
      assertThat(q2.await(T).returncode()).isZero();
    }
  }

  private static AsyncClient queued(TestServer s, String... args) throws Exception {
    AsyncClient run =
        AsyncClient.run(
            s.endpoint, Protocol.VERSION, List.of(args), Duration.ofMillis(400), new Recorder());
    run.recorder.awaitHeartbeat("QUEUED", T);
    return run;
  }

  @Test
  void aRunsArgumentsAreLimitedInCountAndBytes() throws Exception {
    try (TestServer s = start(limits());
        RawClient raw = new RawClient(s.endpoint)) {
      StringBuilder many = new StringBuilder("{\"command\": \"RUN\", \"args\": {\"tox\": [\"a\"");
      for (int i = 0; i < 200_000; i++) {
        many.append(",\"a\"");
      }
      raw.send(many.append("]}}").toString());
      Message m = raw.receive(T);
      assertThat(m.command()).isEqualTo(Command.ERR);
      assertThat(m.args().get("message").asText()).contains("--max-run-args");

      String big = "b".repeat(200_000);
      raw.send("{\"command\": \"RUN\", \"args\": {\"tox\": [\"" + big + "\", \"" + big + "\"]}}");
      m = raw.receive(T);
      assertThat(m.command()).isEqualTo(Command.ERR);
      assertThat(m.args().get("message").asText()).contains("--max-run-arg-bytes");
    }
    assertThat(Files.readAllLines(log())).as("runs started").isEmpty();
  }

  @Test
  void queuedRunsOfTheLargestArgumentsStayWithinTheirMemoryBudget() throws Exception {
    int limit = ServerConfig.Limits.DEFAULTS.maxQueuedRuns();
    int attackers = limit + 50;
    StringBuilder run = new StringBuilder("{\"command\": \"RUN\", \"args\": {\"tox\": [\"echo\"");
    for (int i = 1; i < ServerConfig.Limits.DEFAULTS.maxRunArgs(); i++) {
      run.append(",\"").append(String.format("%060d", i)).append('"');
    }
    String request = run.append("]}}").toString();
    try (TestServer s = start(limits())) {
      Path release = dir.resolve("release");
      AsyncClient holder = AsyncClient.run(s.endpoint, List.of("wait-for", release.toString()));
      holder.recorder.awaitStdout("waiting for", T);
      long idle = liveHeapMb();
      List<ZmtpPeer> peers = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < attackers; i++) {
          ZmtpPeer p = new ZmtpPeer(s.endpoint);
          peers.add(p);
          p.send(request);
        }
        // Each hears back: ERR when refused, a HEARTBEAT (the 2 s liveness probe) when queued.
        int refused = 0;
        for (ZmtpPeer p : peers) {
          Message m = WireFormat.parseBody(Route.NONE, p.receive(T).get(1));
          if (m.command() == Command.ERR) {
            assertThat(m.args().get("message").asText()).contains("--max-queued-runs");
            refused++;
          } else {
            assertThat(m.command()).isEqualTo(Command.HEARTBEAT);
          }
        }
        assertThat(refused).isEqualTo(attackers - limit);
        long held = liveHeapMb() - idle;
        System.out.println(
            limit + " queued runs of 4096 arguments (240 KiB): live heap +" + held + " MB");
        // ~43 MB of argument strings, ~40 MB of the last frame jeromq keeps per connection, ~10 MB
        // of
        // this test's own socket buffers.
        assertThat(held).as("MB held for the queued runs").isLessThan(150);
      } finally {
        for (ZmtpPeer p : peers) {
          p.close();
        }
        Files.createFile(release);
      }
      assertThat(holder.await(T).returncode()).isZero();
    }
  }

  @Test
  void aMultipartMessageThatNeverEndsIsCutShortAsItArrives() throws Exception {
    try (TestServer s = start(limits())) {
      long idle = liveHeapMb();
      try (ZmtpPeer peer = new ZmtpPeer(s.endpoint)) {
        peer.frame(new byte[0], true);
        byte[] one = {'x'};
        for (int i = 0; i < 2_000_000; i++) {
          peer.frame(one, true);
        }
        peer.pingPong(T); // the server has decoded every frame
        long held = liveHeapMb() - idle;
        System.out.println("2 M one-byte frames, never ended: live heap +" + held + " MB");
        assertThat(held).as("MB held for the unfinished message").isLessThan(40);
        peer.frame("{}".getBytes(StandardCharsets.UTF_8), false);
        peer.flush();
        Message m = WireFormat.parseBody(Route.NONE, peer.receive(T).get(1));
        assertThat(m.command()).isEqualTo(Command.ERR);
        assertThat(m.args().get("message").asText()).contains("exactly one JSON frame");
        peer.send("{\"command\": \"PING\", \"args\": null}");
        assertThat(WireFormat.parseBody(Route.NONE, peer.receive(T).get(1)).command())
            .isEqualTo(Command.PING);
      }
    }
  }

  @Test
  void aFrameLargerThanTheLimitDropsItsConnection() throws Exception {
    try (TestServer s = start(limits());
        ZmtpPeer peer = new ZmtpPeer(s.endpoint)) {
      boolean dropped;
      try {
        peer.frame(new byte[0], true);
        peer.frame(new byte[Protocol.DEFAULT_MAX_MESSAGE_BYTES + 8192], false);
        peer.flush();
        dropped = peer.closedByServerWithin(T);
      } catch (java.net.SocketException e) {
        dropped = true; // closed while we were still sending the frame
      }
      assertThat(dropped).isTrue();
      try (RawClient other = new RawClient(s.endpoint)) {
        other.send("{\"command\": \"PING\", \"args\": null}");
        assertThat(other.receive(T).command()).isEqualTo(Command.PING);
      }
    }
  }

  @Test
  void aClientThatStopsAnsweringHeartbeatsLosesItsRunAndTheQueueMovesOn() throws Exception {
    ServerConfig.Limits limits =
        new ServerConfig.Limits(
            32, 4096, 256 << 10, Duration.ofSeconds(60), Duration.ofMillis(600));
    try (TestServer s = start(limits);
        ZmtpPeer frozen = new ZmtpPeer(s.endpoint)) {
      Path release = dir.resolve("never");
      frozen.send(
          "{\"command\": \"RUN\", \"args\": {\"tox\": [\"wait-for\", \"" + release + "\"]}}");
      Await.until(() -> Files.readAllLines(log()).size() == 1, T, "the frozen client's run");
      // From here on the frozen client reads nothing and answers no PING; its TCP connection
      // stays open (as for a stopped process or a suspended laptop).
      long since = System.nanoTime();
      AsyncClient next = AsyncClient.run(s.endpoint, List.of("echo", "next"));
      assertThat(next.await(T).returncode()).isZero();
      assertThat(next.recorder.stdout()).isEqualTo("next\n");
      assertThat(Duration.ofNanos(System.nanoTime() - since)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aRunWhoseClientTakesNoOutputIsCancelledAfterTheStallTimeout() throws Exception {
    ServerConfig.Limits limits =
        new ServerConfig.Limits(32, 4096, 256 << 10, Duration.ofSeconds(1), Duration.ofSeconds(60));
    Path big = dir.resolve("big.bin");
    Files.write(big, new byte[32 << 20]);
    try (TestServer s = start(limits);
        RawClient stuck = new RawClient(s.endpoint, 1)) {
      stuck.send(
          "{\"command\": \"RUN\", \"args\": {\"tox\": [\"cat\", \""
              + big
              + "\"]}, \"version\": 1}");
      assertThat(stuck.receive(T).command()).isEqualTo(Command.OUTPUT);
      // Reads nothing more, but stays connected and answers heartbeats while it can.
      long since = System.nanoTime();
      AsyncClient next = AsyncClient.run(s.endpoint, List.of("echo", "next"));
      assertThat(next.await(T).returncode()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - since)).isLessThan(Duration.ofSeconds(10));
    }
  }
}
