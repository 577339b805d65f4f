package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toxserver.client.Cancellation;
import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Protocol;
import dev.toxserver.protocol.Stream;
import dev.toxserver.support.AsyncClient;
import dev.toxserver.support.Await;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.RawClient;
import dev.toxserver.support.Recorder;
import dev.toxserver.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server over real sockets on 127.0.0.1 with real child processes: protocol v1 and beyond. */
@Timeout(60)
class ToxServerTest {
  private static final Duration T = Duration.ofSeconds(20);

  @TempDir Path dir;
  Path log;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    log = dir.resolve("runs.log");
    Files.createFile(log);
    server = TestServer.start(FakeTox.loggingTo(log), dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ToxServerClient client() {
    return new ToxServerClient(server.endpoint);
  }

  private List<String> runsLogged() throws Exception {
    return Files.readAllLines(log);
  }

  /** Starts a run that keeps the server busy until {@code release} exists. */
  private AsyncClient holdTheServerUntil(Path release) throws Exception {
    AsyncClient run = AsyncClient.run(server.endpoint, List.of("wait-for", release.toString()));
    run.recorder.awaitStdout("waiting for", T);
    return run;
  }

  /** Starts a run (with heartbeats) and waits until the server says it is queued. */
  private AsyncClient queued(String... args) throws Exception {
    AsyncClient run =
        AsyncClient.run(
            server.endpoint,
            Protocol.VERSION,
            List.of(args),
            Duration.ofMillis(400),
            new Recorder());
    run.recorder.awaitHeartbeat("QUEUED", T);
    return run;
  }

  @Test
  void pingReportsTimeTasksAndWhereItRuns() throws Exception {
    try (ToxServerClient c = client()) {
      double before = System.currentTimeMillis() / 1000.0;
      JsonNode ping = c.ping(T);
      assertThat(ping.get("time").asDouble()).isBetween(before - 1, before + 5);
      assertThat(ping.get("tasks").asInt()).isZero();
      assertThat(ping.get("workdir").asText()).isEqualTo(dir.toAbsolutePath().toString());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, Protocol.VERSION})
  void runStreamsBothStreamsAndReturnsTheExitCode(int version) throws Exception {
    Recorder r = new Recorder();
    try (ToxServerClient c = new ToxServerClient(server.endpoint, version)) {
      FinishedRun result = c.run(List.of("exit", "3"), T, r);
      assertThat(result.returncode()).isEqualTo(3);
      assertThat(result.args()).containsExactly("exit", "3");
    }
    assertThat(r.stdout()).isEqualTo("exiting with 3\n");
    assertThat(r.stderr()).isEqualTo("to stderr\n");
  }

  @Test
  void argumentsReachTheCommandLiterallyWithNoShellInBetween() throws Exception {
    List<String> nasty =
        List.of(
            "; touch pwned1",
            "$(touch pwned2)",
            "`touch pwned3`",
            "*",
            "a b",
            "'q'",
            "\"",
            "--",
            "");
    Recorder r = new Recorder();
    try (ToxServerClient c = client()) {
      List<String> args = new java.util.ArrayList<>(List.of("echo"));
      args.addAll(nasty);
      assertThat(c.run(args, T, r).returncode()).isZero();
    }
    assertThat(r.stdout()).isEqualTo(String.join("\n", nasty) + "\n");
    assertThat(dir.resolve("pwned1")).doesNotExist();
    assertThat(dir.resolve("pwned2")).doesNotExist();
    assertThat(dir.resolve("pwned3")).doesNotExist();
  }

  @Test
  void runsGetColourAndUnbufferedEnvironment() throws Exception {
    Recorder r = new Recorder();
    try (ToxServerClient c = client()) {
      c.run(List.of("env"), T, r);
    }
    assertThat(r.stdout()).isEqualTo("PY_COLORS=1 FORCE_COLOR=1 PYTHONUNBUFFERED=1\n");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, Protocol.VERSION})
  void tenMegabytesOfArbitraryBytesArriveExactlyOnEachStream(int version) throws Exception {
    byte[] out = randomBytesWithAnsiAndBadUtf8(10 << 20, 1);
    byte[] err = randomBytesWithAnsiAndBadUtf8(10 << 20, 2);
    Path o = Files.write(dir.resolve("out.bin"), out);
    Path e = Files.write(dir.resolve("err.bin"), err);
    Recorder r = new Recorder(false);
    try (ToxServerClient c = new ToxServerClient(server.endpoint, version)) {
      assertThat(c.run(List.of("both", o.toString(), e.toString()), T, r).returncode()).isZero();
    }
    assertThat(r.stdoutCount()).isEqualTo(out.length);
    assertThat(r.stderrCount()).isEqualTo(err.length);
    assertThat(r.sha256(Stream.STDOUT)).isEqualTo(sha256(out));
    assertThat(r.sha256(Stream.STDERR)).isEqualTo(sha256(err));
  }

  static byte[] randomBytesWithAnsiAndBadUtf8(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    byte[] ansi = "\u001b[31mred\u001b[0m\r".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xE2, (byte) 0x82};
    for (int i = 0; i + 64 < n; i += 4096) {
      System.arraycopy(ansi, 0, b, i, ansi.length);
      System.arraycopy(bad, 0, b, i + 32, bad.length);
    }
    return b;
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void aPartialLineReachesTheClientWhileTheCommandStillRuns() throws Exception {
    Path release = dir.resolve("release");
    AsyncClient run = AsyncClient.run(server.endpoint, List.of("partial", release.toString()));
    run.recorder.awaitStdout("partial line, no newline", T);
    assertThat(run.result).isNotDone();
    Files.createFile(release);
    assertThat(run.await(T).returncode()).isZero();
    assertThat(run.recorder.stdout()).isEqualTo("partial line, no newline ... and the rest\n");
  }

  @Test
  void runsQueueInArrivalOrderAndHeartbeatQueuedThenStarted() throws Exception {
    Path release = dir.resolve("release");
    AsyncClient first = holdTheServerUntil(release);
    Recorder r2 = new Recorder();
    AsyncClient second =
        AsyncClient.run(
            server.endpoint,
            Protocol.VERSION,
            List.of("echo", "second"),
            Duration.ofMillis(400),
            r2);
    r2.awaitHeartbeat("QUEUED", T);
    AsyncClient third = queued("echo", "third");
    try (ToxServerClient c = client()) {
      assertThat(c.ping(T).get("tasks").asInt()).isEqualTo(3);
    }
    assertThat(runsLogged()).hasSize(1);
    Files.createFile(release);
    assertThat(first.await(T).returncode()).isZero();
    assertThat(second.await(T).returncode()).isZero();
    assertThat(third.await(T).returncode()).isZero();
    assertThat(runsLogged()).containsExactly("wait-for " + release, "echo second", "echo third");
    List<String> beats = r2.heartbeats();
    assertThat(beats).contains("QUEUED", "STARTED");
    assertThat(beats.lastIndexOf("QUEUED")).isLessThan(beats.indexOf("STARTED"));
  }

  @Test
  void interruptEndsTheWholeProcessTreeAndStillRepliesWithTheReturncode() throws Exception {
    Path child = dir.resolve("child.pid");
    Path orphan = dir.resolve("orphan.pid");
    AsyncClient run =
        AsyncClient.run(server.endpoint, List.of("tree", child.toString(), orphan.toString()));
    run.recorder.awaitStdout("tree ready", T);
    long childPid = Long.parseLong(Files.readString(child).trim());
    long orphanPid = Long.parseLong(Files.readString(orphan).trim());
    assertThat(Await.running(childPid)).isTrue();
    assertThat(Await.running(orphanPid)).isTrue();
    run.interrupt();
    FinishedRun result = run.await(T);
    assertThat(result.returncode()).isEqualTo(-15);
    assertThat(result.shellExitCode()).isEqualTo(143);
    assertThat(Await.running(childPid)).as("grandchild after cancel").isFalse();
    assertThat(Await.running(orphanPid)).as("re-parented grandchild after cancel").isFalse();
  }

  @Test
  void aProcessThatLeftTheSessionButHoldsTheOutputIsEndedAndCostsEachRunLittle() throws Exception {
    try (ToxServerClient c = client()) {
      for (int i = 0; i < 3; i++) {
        Path pid = dir.resolve("escaped-" + i + ".pid");
        long start = System.nanoTime();
        Recorder recorder = new Recorder();
        FinishedRun r = c.run(List.of("escaped", pid.toString()), T, recorder);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.returncode()).isZero();
        assertThat(recorder.stdout()).isEqualTo("escaped\n");
        // Before: ~2.3 s per run, and the pump thread, the JDK's reaper thread and the pipes
        // stayed until the escaped process ended (here: 1003 s).
        assertThat(took).isLessThan(Duration.ofMillis(1500));
        long escaped = Await.pidIn(pid, T);
        Await.until(() -> !Await.running(escaped), T, "the escaped holder of the output to end");
      }
    }
  }

  @Test
  void aCancellationUsedAfterItsRunEndedNeverReachesTheNextRun() throws Exception {
    try (ToxServerClient client = new ToxServerClient(server.endpoint)) {
      Cancellation first = new Cancellation();
      FinishedRun one = client.run(List.of("echo", "one"), T, T, new Recorder(), first);
      assertThat(one.returncode()).isZero();
      first.cancel(); // too late: that run has ended
      Recorder recorder = new Recorder();
      FinishedRun two = client.run(List.of("sleep", "0.3"), T, T, recorder, new Cancellation());
      assertThat(two.returncode()).as("not cancelled").isZero();
      assertThat(recorder.stdout()).isEqualTo("sleeping\n");
    }
  }

  @Test
  void aCancellationMadeBeforeTheRequestIsSentCancelsItOnceSent() throws Exception {
    try (ToxServerClient client = new ToxServerClient(server.endpoint)) {
      Cancellation early = new Cancellation();
      early.cancel();
      // The INTERRUPT follows the RUN at once: the server cancels the run while it is still
      // queued, or just after it started.
      try {
        FinishedRun r = client.run(List.of("sleep", "100"), T, T, new Recorder(), early);
        assertThat(r.returncode()).isEqualTo(-15);
      } catch (ServerErrorException e) {
        assertThat(e).hasMessage("Command RUN was cancelled.");
      }
    }
  }

  @Test
  void interruptOfAQueuedRunAnswersCancelledAndLeavesOthersAlone() throws Exception {
    Path release = dir.resolve("release");
    AsyncClient first = holdTheServerUntil(release);
    AsyncClient queued = queued("echo", "never");
    queued.interrupt();
    assertThatThrownBy(() -> queued.await(T))
        .isInstanceOf(ServerErrorException.class)
        .hasMessage("Command RUN was cancelled.");
    Files.createFile(release);
    assertThat(first.await(T).returncode()).isZero();
    assertThat(runsLogged()).containsExactly("wait-for " + release);
  }

  @Test
  void interruptWithNothingInFlightSaysSo() throws Exception {
    try (RawClient raw = new RawClient(server.endpoint)) {
      raw.send("{\"command\": \"INTERRUPT\", \"args\": {\"command\": \"RUN\"}, \"timeout\": null}");
      Message m = raw.receive(T);
      assertThat(m.command()).isEqualTo(Command.ERR);
      assertThat(m.args().get("message").asText()).isEqualTo("Could not find task");
    }
  }

  @Test
  void interruptOnlyTouchesTheSendersOwnRun() throws Exception {
    Path release = dir.resolve("release");
    AsyncClient first = holdTheServerUntil(release);
    try (RawClient other = new RawClient(server.endpoint)) {
      other.send("{\"command\": \"INTERRUPT\", \"args\": {\"command\": \"RUN\"}}");
      assertThat(other.receive(T).args().get("message").asText()).isEqualTo("Could not find task");
    }
    assertThat(first.result).isNotDone();
    Files.createFile(release);
    assertThat(first.await(T).returncode()).isZero();
  }

  @Test
  void cancelCancelsEveryClientsRunsAndCountsThem() throws Exception {
    Path release = dir.resolve("release");
    AsyncClient started = holdTheServerUntil(release);
    AsyncClient queued = queued("echo", "never");
    try (ToxServerClient c = client()) {
      assertThat(c.cancelAll(T)).isEqualTo(2);
    }
    assertThat(started.await(T).returncode()).isEqualTo(-15);
    assertThatThrownBy(() -> queued.await(T)).hasMessage("Command RUN was cancelled.");
    try (ToxServerClient c = client()) {
      assertThat(c.cancelAll(T)).isZero();
      assertThat(c.ping(T).get("tasks").asInt()).isZero();
    }
  }

  @Test
  void aCancelledRunIsReportedCancelledEvenWhenItsCommandThenExitsZero() throws Exception {
    try (RawClient raw = new RawClient(server.endpoint)) {
      // A v1 request (as the original Python client sends): the extra key is one it ignores.
      raw.send("{\"command\": \"RUN\", \"args\": {\"tox\": [\"obliging\"]}, \"version\": 1}");
      assertThat(raw.receiveSkippingHeartbeats(T).command()).isEqualTo(Command.OUTPUT);
      try (ToxServerClient c = client()) {
        assertThat(c.cancelAll(T)).isEqualTo(1);
      }
      Message reply;
      do {
        reply = raw.receiveSkippingHeartbeats(T);
      } while (reply.command() == Command.OUTPUT);
      assertThat(reply.command()).isEqualTo(Command.RUN);
      assertThat(reply.args().get("returncode").asInt()).isZero();
      assertThat(reply.args().get("cancelled").asBoolean()).isTrue();
    }
    // The client library hands it on; a run nobody cancelled says nothing of the kind.
    try (ToxServerClient c = client()) {
      assertThat(c.run(List.of("echo", "x"), T, new Recorder()).cancelled()).isFalse();
    }
    try (RawClient raw = new RawClient(server.endpoint)) {
      raw.send("{\"command\": \"RUN\", \"args\": {\"tox\": [\"exit\", \"0\"]}}");
      Message reply;
      do {
        reply = raw.receiveSkippingHeartbeats(T);
      } while (reply.command() == Command.OUTPUT);
      assertThat(reply.args().has("cancelled")).isFalse();
    }
  }

  @Test
  void aSecondRunFromTheSameClientIsRefusedWhileTheFirstIsInFlight() throws Exception {
    Path release = dir.resolve("release");
    try (RawClient raw = new RawClient(server.endpoint)) {
      String run =
          "{\"command\": \"RUN\", \"args\": {\"tox\": [\"wait-for\", \""
              + release
              + "\"]}, \"version\": 1}";
      raw.send(run);
      raw.send(run);
      Message m = raw.receive(T);
      while (m.command() == Command.OUTPUT) {
        m = raw.receive(T);
      }
      assertThat(m.command()).isEqualTo(Command.ERR);
      assertThat(m.args().get("message").asText()).isEqualTo("A task has already started.");
      assertThat(m.args().get("command").asText()).isEqualTo("RUN");
      Files.createFile(release);
      do {
        m = raw.receive(T);
      } while (m.command() == Command.OUTPUT);
      assertThat(m.command()).isEqualTo(Command.RUN);
      assertThat(m.args().get("returncode").asInt()).isZero();
    }
    assertThat(runsLogged()).hasSize(1);
  }

  @Test
  void badInputGetsAClearErrorAndTheServerKeepsServing() throws Exception {
    String[] answered = {
      "not json",
      "[\"RUN\"]",
      "\"PING\"",
      "42",
      "null",
      "{}",
      "{\"args\": null}",
      "{\"command\": \"RUN\"}",
      "{\"command\": 7, \"args\": null}",
      "{\"command\": [\"RUN\"], \"args\": null}",
      "{\"command\": \"FROB\", \"args\": null}",
      "{\"command\": \"RUN\", \"args\": {\"tox\": \"quick\"}}",
      "{\"command\": \"RUN\", \"args\": {\"tox\": [1, 2]}}",
      "{\"command\": \"RUN\", \"args\": {\"tox\": null}}",
      "{\"command\": \"RUN\", \"args\": [\"echo\"]}",
      "{\"command\": \"RUN\", \"args\": null}",
      "{\"command\": \"RUN\", \"args\": {\"tox\": [\"echo\", \"a\\u0000b\"]}}",
      "{\"command\": \"INTERRUPT\", \"args\": null}",
      "{\"command\": \"INTERRUPT\", \"args\": {\"command\": \"NOPE\"}}",
      "{\"command\": \"CANCEL\", \"args\": \"RUN\"}",
      "{\"command\": \"OUTPUT\", \"args\": {\"data\": \"\", \"stream\": \"STDOUT\"}}",
      "{\"command\": \"PING\", \"args\": null, \"version\": \"two\"}",
      "[".repeat(5000) + "]".repeat(5000),
      "\u00ff\u00fe garbage",
      "",
    };
    try (RawClient raw = new RawClient(server.endpoint)) {
      for (String bad : answered) {
        raw.send(bad);
        Message m = raw.receive(T);
        assertThat(m.command()).as("reply to %s", bad).isEqualTo(Command.ERR);
        assertThat(m.args().get("message").asText()).as("reply to %s", bad).isNotBlank();
      }
      // Dropped (nobody to answer) or refused, but never fatal:
      raw.sendFrames("{\"command\": \"PING\", \"args\": null}".getBytes());
      raw.sendFrames(new byte[0]);
      byte[] big = new byte[Protocol.DEFAULT_MAX_MESSAGE_BYTES + 1];
      java.util.Arrays.fill(big, (byte) ' ');
      raw.sendFrames(new byte[0], big);
      Message tooBig = raw.receive(T);
      assertThat(tooBig.args().get("message").asText()).contains("over the server's limit");
      // (A frame larger still drops its connection: see ResourceLimitsTest.)
      raw.sendFrames(new byte[0], "{}".getBytes(), "{}".getBytes());
      assertThat(raw.receive(T).args().get("message").asText()).contains("exactly one JSON frame");
      raw.send("{\"command\": \"PING\", \"args\": null}");
      Message ping = raw.receive(T);
      assertThat(ping.command()).isEqualTo(Command.PING);
      assertThat(ping.args().get("tasks").asInt()).isZero();
    }
    assertThat(runsLogged()).as("runs started by bad input").isEmpty();
    try (ToxServerClient c = client()) {
      assertThat(c.run(List.of("echo", "still works"), T, new Recorder()).returncode()).isZero();
    }
  }

  @Test
  void commandsOnlyTheServerSendsHaveNoHandlerAndAreRefused() throws Exception {
    try (RawClient raw = new RawClient(server.endpoint)) {
      for (Command c : List.of(Command.ERR, Command.OUTPUT, Command.HEARTBEAT)) {
        raw.send("{\"command\": \"" + c + "\", \"args\": null}");
        Message m = raw.receive(T);
        assertThat(m.command()).isEqualTo(Command.ERR);
        assertThat(m.args().get("message").asText())
            .isEqualTo("Command " + c + " is sent by the server, not to it.");
      }
    }
  }

  @Test
  void heartbeatsHaveAFloorAndAZeroTimeoutMeansNone() throws Exception {
    Path release = dir.resolve("release");
    try (RawClient zero = new RawClient(server.endpoint);
        RawClient tiny = new RawClient(server.endpoint)) {
      zero.send(
          "{\"command\": \"RUN\", \"args\": {\"tox\": [\"wait-for\", \""
              + release
              + "\"]}, \"timeout\": 0.0, \"version\": 1}");
      assertThat(zero.receive(T).command()).isEqualTo(Command.OUTPUT);
      tiny.send(
          "{\"command\": \"RUN\", \"args\": {\"tox\": [\"echo\"]}, \"timeout\": 0.001, \"version\": 1}");
      long start = System.nanoTime();
      int beats = 0;
      while (System.nanoTime() - start < 1_000_000_000L) {
        List<byte[]> f = tiny.receiveFrames(Duration.ofMillis(100));
        if (f != null) {
          beats++;
        }
      }
      assertThat(beats).as("heartbeats in one second with timeout 0.001").isBetween(3, 12);
      assertThat(zero.receiveFrames(Duration.ofMillis(300)))
          .as("heartbeat despite timeout 0.0")
          .isNull();
      Files.createFile(release);
      assertThat(zero.receiveSkippingHeartbeats(T).command()).isEqualTo(Command.OUTPUT);
      assertThat(zero.receive(T).command()).isEqualTo(Command.RUN);
    }
  }

  @Test
  void aRunEndsWhenTheCommandEndsEvenIfABackgroundProcessHoldsItsOutput() throws Exception {
    Path pid = dir.resolve("bg.pid");
    Recorder r = new Recorder();
    try (ToxServerClient c = client()) {
      FinishedRun result = c.run(List.of("background", pid.toString()), T, r);
      assertThat(result.returncode()).isZero();
    }
    long bg = Long.parseLong(Files.readString(pid).trim());
    assertThat(r.stdout()).startsWith("exiting, leaving ");
    assertThat(Await.running(bg)).as("background process after the run").isFalse();
  }

  @Test
  void aDaemonThatLetGoOfTheOutputIsStillEndedBeforeTheNextRun() throws Exception {
    Path pid = dir.resolve("daemon.pid");
    try (ToxServerClient c = client()) {
      assertThat(c.run(List.of("daemon", pid.toString()), T, new Recorder()).returncode()).isZero();
      long daemon = Long.parseLong(Files.readString(pid).trim());
      Recorder next = new Recorder();
      assertThat(c.run(List.of("echo", "next"), T, next).returncode()).isZero();
      assertThat(Await.running(daemon)).as("daemon once the next run has started").isFalse();
    }
  }

  @Test
  void quitAnswersDoneLetsTheRunningRunFinishAndRefusesNewWork() throws Exception {
    Path release = dir.resolve("release");
    AsyncClient running = holdTheServerUntil(release);
    try (ToxServerClient c = client()) {
      assertThat(c.quit(T).asText()).isEqualTo("DONE");
      assertThatThrownBy(() -> c.run(List.of("echo"), T, new Recorder()))
          .hasMessageContaining("shutting down");
    }
    assertThat(server.server.terminated()).isNotDone();
    Files.createFile(release);
    assertThat(running.await(T).returncode()).isZero();
    assertThat(running.recorder.stdout()).contains("released");
    assertThat(server.server.awaitTermination(T)).isTrue();
  }

  @Test
  void aSlowClientGetsEveryByteAndTheFinalReply() throws Exception {
    byte[] data = randomBytesWithAnsiAndBadUtf8(24 << 20, 7);
    Path f = Files.write(dir.resolve("big.bin"), data);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long count = 0;
    try (RawClient slow = new RawClient(server.endpoint, 2)) {
      slow.send(
          "{\"command\": \"RUN\", \"args\": {\"tox\": [\"cat\", \"" + f + "\"]}, \"version\": 1}");
      while (true) {
        Message m = slow.receive(T);
        if (m.command() == Command.RUN) {
          assertThat(m.args().get("returncode").asInt()).isZero();
          break;
        }
        assertThat(m.command()).isEqualTo(Command.OUTPUT);
        byte[] chunk = dev.toxserver.protocol.Base85.decode(m.args().get("data").asText());
        sha.update(chunk);
        count += chunk.length;
        Thread.sleep(1); // a client slower than the command: the server must wait, not drop
      }
    }
    assertThat(count).isEqualTo(data.length);
    assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(sha256(data));
  }

  @Test
  void aClientThatVanishesMidRunIsCancelledAndTheQueueMovesOn() throws Exception {
    Path release = dir.resolve("release");
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            RunClientMain.class.getName(),
            server.endpoint,
            "wait-for",
            release.toString());
    pb.redirectErrorStream(true);
    Process client = pb.start();
    try {
      Await.until(
          () -> {
            try {
              return runsLogged().size() == 1;
            } catch (Exception e) {
              return false;
            }
          },
          T,
          "the vanishing client's run to start");
      AsyncClient next =
          AsyncClient.run(
              server.endpoint,
              Protocol.VERSION,
              List.of("echo", "next"),
              Duration.ofSeconds(2),
              new Recorder());
      next.recorder.awaitHeartbeat("QUEUED", T);
      client.destroyForcibly().waitFor();
      long gone = System.nanoTime();
      assertThat(next.await(Duration.ofSeconds(15)).returncode()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - gone)).isLessThan(Duration.ofSeconds(10));
      assertThat(next.recorder.stdout()).isEqualTo("next\n");
    } finally {
      client.destroyForcibly();
    }
  }

  @Test
  void aClientThatVanishesWhileItsOutputIsBackedUpFreesTheQueue() throws Exception {
    Path big = Files.write(dir.resolve("big.bin"), randomBytesWithAnsiAndBadUtf8(32 << 20, 5));
    try (RawClient reader = new RawClient(server.endpoint, 1)) {
      reader.send(
          "{\"command\": \"RUN\", \"args\": {\"tox\": [\"cat\", \""
              + big
              + "\"]}, \"version\": 1}");
      assertThat(reader.receive(T).command()).isEqualTo(Command.OUTPUT);
    } // gone, with megabytes still to send
    try (ToxServerClient c = client()) {
      Recorder next = new Recorder();
      assertThat(c.run(List.of("echo", "next"), T, next).returncode()).isZero();
      assertThat(next.stdout()).isEqualTo("next\n");
    }
  }

  @Test
  void aCommandThatCannotStartIsReportedToTheClient() throws Exception {
    Path gone = dir.resolve("gone-tox");
    Files.writeString(gone, "#!/bin/sh\necho hi\n");
    gone.toFile().setExecutable(true);
    try (TestServer s = TestServer.start(List.of(gone.toString()), dir);
        ToxServerClient c = new ToxServerClient(s.endpoint)) {
      Files.delete(gone);
      assertThatThrownBy(() -> c.run(List.of(), T, new Recorder()))
          .isInstanceOf(ServerErrorException.class)
          .hasMessageContaining("Cannot start")
          .hasMessageContaining("gone-tox");
      assertThat(c.ping(T).get("tasks").asInt()).isZero();
    }
  }
}
