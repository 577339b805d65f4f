package dev.toxserver.servercli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.cli.ExitCodes;
import dev.toxserver.client.FinishedRun;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import dev.toxserver.support.AsyncClient;
import dev.toxserver.support.Await;
import dev.toxserver.support.CliProcess;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.RawClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tox-server} as users run it: real processes, real signals, what they print and exit with.
 */
@Timeout(90)
class ToxServerCliTest {
  private static final Duration T = Duration.ofSeconds(30);

  @TempDir Path dir;

  private String fakeTox() {
    return "/bin/sh " + FakeTox.script();
  }

  private CliProcess serve(int port, String... extra) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("-p", Integer.toString(port), "serve", "--no-tee", "--command", fakeTox()));
    args.addAll(List.of(extra));
    CliProcess server = CliProcess.start(dir, args.toArray(new String[0]));
    server.awaitStderr("^C to exit", T);
    return server;
  }

  @Test
  void serveSaysWhereItListensAnswersPingAndQuitsOnRequest() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess server = serve(port)) {
      assertThat(server.stderr()).contains("Running server at tcp://127.0.0.1:" + port);
      try (CliProcess ping = CliProcess.start(dir, "-p", Integer.toString(port), "ping")) {
        assertThat(ping.waitFor(T)).isZero();
        assertThat(ping.stdout()).contains("\"tasks\":0").contains("\"time\":");
      }
      try (CliProcess quit = CliProcess.start(dir, "quit", "--port", Integer.toString(port))) {
        assertThat(quit.waitFor(T)).isZero();
        assertThat(quit.stdout().trim()).isEqualTo("DONE");
      }
      assertThat(server.waitFor(T)).isZero();
    }
  }

  @Test
  void portAndCommandComeFromTheEnvironmentToo() throws Exception {
    int port = CliProcess.freePort();
    Map<String, String> env =
        Map.of("TOX_SERVER_PORT", Integer.toString(port), "TOX_SERVER_COMMAND", fakeTox());
    try (CliProcess server = CliProcess.start(dir, env, "serve", "--no-tee")) {
      server.awaitStderr("Running server at tcp://127.0.0.1:" + port, T);
      try (CliProcess run = CliProcess.start(dir, env, "run", "--", "echo", "from env")) {
        assertThat(run.waitFor(T)).isZero();
        assertThat(run.stdout()).isEqualTo("from env\n");
      }
      try (CliProcess quit = CliProcess.start(dir, env, "quit")) {
        assertThat(quit.waitFor(T)).isZero();
      }
      assertThat(server.waitFor(T)).isZero();
    }
  }

  @Test
  void runForwardsArgumentsStreamsAndExitsWithTheCommandsCode() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess server = serve(port)) {
      try (CliProcess run =
          CliProcess.start(dir, "-p", Integer.toString(port), "run", "--", "exit", "3")) {
        assertThat(run.waitFor(T)).isEqualTo(3);
        assertThat(run.stdout()).isEqualTo("exiting with 3\n");
        assertThat(run.stderr()).isEqualTo("to stderr\n");
      }
      try (CliProcess run =
          CliProcess.start(
              dir,
              "-p",
              Integer.toString(port),
              "run",
              "--",
              "echo",
              "-e",
              "py",
              "--",
              "-k",
              "x y")) {
        assertThat(run.waitFor(T)).isZero();
        assertThat(run.stdout()).isEqualTo("-e\npy\n--\n-k\nx y\n");
      }
    }
  }

  @Test
  void whatClientsSendIsLoggedShortEscapedAndRateLimited() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess server = serve(port);
        RawClient raw = new RawClient("tcp://127.0.0.1:" + port)) {
      // 60 bad requests of 100 KB each, whose text tries to forge a log line of its own.
      String hostile = "X\nSEVERE: forged line " + "A".repeat(100_000);
      for (int i = 0; i < 60; i++) {
        raw.send(
            "{\"command\": " + Json.toText(Json.NODES.textNode(hostile)) + ", \"args\": null}");
        assertThat(raw.receive(T).command()).isEqualTo(Command.ERR);
      }
      // A run whose argument does the same; once it is logged as finished, all above is too.
      raw.send(
          "{\"command\": \"RUN\", \"args\": {\"tox\": [\"echo\", \"x\\nWARNING: forged run\"]}}");
      Message reply;
      do {
        reply = raw.receiveSkippingHeartbeats(T);
      } while (reply.command() == Command.OUTPUT);
      assertThat(reply.command()).isEqualTo(Command.RUN);
      server.awaitStderr("Finished run #1", T);
      String log = server.stderr();
      assertThat(log.length()).as(log).isLessThan(10_000);
      assertThat(log.lines())
          .noneMatch(l -> l.startsWith("SEVERE: forged") || l.startsWith("WARNING: forged"));
      assertThat(log)
          .contains("Unknown command: X\\nSEVERE: forged line AAAA")
          .contains("… (100039 chars)")
          .contains("x\\nWARNING: forged run")
          .contains("more are not logged for now");
      assertThat(server.countStderr("Bad request from")).isLessThanOrEqualTo(5);
    }
  }

  @Test
  void teeMirrorsRunOutputOnTheServersOwnStreamsByDefault() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess server =
        CliProcess.start(dir, "-p", Integer.toString(port), "serve", "--command", fakeTox())) {
      server.awaitStderr("^C to exit", T);
      try (CliProcess run =
          CliProcess.start(dir, "-p", Integer.toString(port), "run", "--", "exit", "3")) {
        assertThat(run.waitFor(T)).isEqualTo(3);
      }
      server.awaitStdout("exiting with 3\n", T);
      server.awaitStderr("to stderr\n", T);
    }
  }

  @Test
  void sigtermStopsTheServerAndEndsTheRunningTree() throws Exception {
    int port = CliProcess.freePort();
    Path child = dir.resolve("child.pid");
    Path orphan = dir.resolve("orphan.pid");
    try (CliProcess server = serve(port)) {
      AsyncClient run =
          AsyncClient.run(
              "tcp://127.0.0.1:" + port, List.of("tree", child.toString(), orphan.toString()));
      run.recorder.awaitStdout("tree ready", T);
      long childPid = Long.parseLong(Files.readString(child).trim());
      long orphanPid = Long.parseLong(Files.readString(orphan).trim());
      server.signal("TERM");
      FinishedRun result = run.await(T);
      assertThat(result.returncode()).isEqualTo(-15);
      server.waitFor(T);
      assertThat(server.stderr()).contains("Stopping: cancelling 1 run(s)");
      assertThat(Await.running(childPid)).isFalse();
      assertThat(Await.running(orphanPid)).isFalse();
    }
  }

  @Test
  void firstCtrlCCancelsTheRunOnTheServer() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess server = serve(port);
        CliProcess run =
            CliProcess.start(dir, "-p", Integer.toString(port), "run", "--", "sleep", "1000")) {
      run.awaitStdout("sleeping", T);
      run.signal("INT");
      assertThat(run.waitFor(T)).isEqualTo(128 + 15);
      assertThat(run.stderr()).contains("Cancelling run with the server. ^C again to exit.");
      try (CliProcess ping = CliProcess.start(dir, "-p", Integer.toString(port), "ping")) {
        assertThat(ping.waitFor(T)).isZero();
        assertThat(ping.stdout()).contains("\"tasks\":0");
      }
    }
  }

  @Test
  void secondCtrlCExitsAtOnceWith130() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess server = serve(port, "--kill-grace", "30");
        CliProcess run =
            CliProcess.start(dir, "-p", Integer.toString(port), "run", "--", "stubborn")) {
      run.awaitStdout("ignoring SIGTERM", T);
      run.signal("INT");
      run.awaitStderr("^C again to exit", T);
      run.signal("INT");
      assertThat(run.waitFor(T)).isEqualTo(130);
      try (CliProcess cancel = CliProcess.start(dir, "-p", Integer.toString(port), "quit")) {
        assertThat(cancel.waitFor(T)).isZero();
      }
    }
  }

  @Test
  void aTakenPortIsAClearErrorNotAStackTrace() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        CliProcess server =
            CliProcess.start(
                dir,
                "-p",
                Integer.toString(taken.getLocalPort()),
                "serve",
                "--command",
                fakeTox())) {
      assertThat(server.waitFor(T)).isEqualTo(1);
      assertThat(server.stderr())
          .contains("already in use")
          .contains("-p/--port")
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void aMissingCommandOrWorkdirIsAClearError() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess server =
        CliProcess.start(
            dir, Map.of("PATH", dir.toString()), "-p", Integer.toString(port), "serve")) {
      assertThat(server.waitFor(T)).isEqualTo(1);
      assertThat(server.stderr())
          .contains("'tox' was not found on PATH")
          .contains("apt-get install tox");
    }
    try (CliProcess server =
        CliProcess.start(
            dir,
            "-p",
            Integer.toString(port),
            "serve",
            "--workdir",
            dir.resolve("nope").toString())) {
      assertThat(server.waitFor(T)).isEqualTo(1);
      assertThat(server.stderr()).contains("nope").contains("does not exist");
    }
  }

  @Test
  void clientCommandsGiveUpOnAnAbsentServerWithAClearMessage() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess ping = CliProcess.start(dir, "-p", Integer.toString(port), "-t", "1", "ping")) {
      assertThat(ping.waitFor(T)).isEqualTo(ExitCodes.UNREACHABLE);
      assertThat(ping.stderr())
          .contains("No tox-server answered at tcp://localhost:" + port + " within 1 s")
          .contains("is it running?");
    }
    try (CliProcess ping = CliProcess.start(dir, "-h", "no-such-host.invalid", "-p", "9", "ping")) {
      assertThat(ping.waitFor(T)).isEqualTo(ExitCodes.UNREACHABLE);
      assertThat(ping.stderr())
          .contains("Cannot connect to tcp://no-such-host.invalid:9")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void usageErrorsExitWithTwoAndSayWhatIsWrong() throws Exception {
    try (CliProcess p = CliProcess.start(dir, "ping")) {
      assertThat(p.waitFor(T)).isEqualTo(2);
      assertThat(p.stderr()).contains("No port given").contains("TOX_SERVER_PORT");
    }
    try (CliProcess p = CliProcess.start(dir, Map.of("TOX_SERVER_PORT", "nine"), "ping")) {
      assertThat(p.waitFor(T)).isEqualTo(2);
      assertThat(p.stderr()).contains("TOX_SERVER_PORT is not a port number");
    }
    try (CliProcess p = CliProcess.start(dir, "-p", "1", "-l", "LOUD", "ping")) {
      assertThat(p.waitFor(T)).isEqualTo(2);
      assertThat(p.stderr()).contains("unknown log level 'LOUD'");
    }
  }

  @Test
  void helpAndVersionAnswerOnEveryLevel() throws Exception {
    try (CliProcess p = CliProcess.start(dir, "--help")) {
      assertThat(p.waitFor(T)).isZero();
      assertThat(p.stdout())
          .contains("serve")
          .contains("ping")
          .contains("quit")
          .contains("cancel")
          .contains("TOX_SERVER_PORT");
    }
    try (CliProcess p = CliProcess.start(dir, "serve", "--help")) {
      assertThat(p.waitFor(T)).isZero();
      assertThat(p.stdout())
          .contains("--command")
          .contains("--workdir")
          .contains("--[no-]tee")
          .contains("--kill-grace");
    }
    try (CliProcess p = CliProcess.start(dir, "--version")) {
      assertThat(p.waitFor(T)).isZero();
      assertThat(p.stdout()).startsWith("tox-server ").contains("protocol v1");
    }
  }

  @Test
  void bindingBeyondLoopbackTurnsAuthenticationOnAndInsecureWarnsLoudly() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess server =
        CliProcess.start(
            dir, "-b", "0.0.0.0", "-p", Integer.toString(port), "serve", "--command", fakeTox())) {
      server.awaitStderr("^C to exit", T);
      assertThat(server.stderr())
          .contains("Authentication on (CURVE)")
          .contains("bridge auth")
          .doesNotContain("INSECURE");
      server.signal("TERM");
      server.waitFor(T);
    }
    assertThat(dir.resolve(".tox-server/server.key")).exists();
    try (CliProcess server =
        CliProcess.start(
            dir,
            "-b",
            "0.0.0.0",
            "-p",
            Integer.toString(CliProcess.freePort()),
            "serve",
            "--insecure",
            "--command",
            fakeTox())) {
      server.awaitStderr("^C to exit", T);
      assertThat(server.stderr())
          .contains("WARNING")
          .contains("INSECURE")
          .contains("without authentication")
          // The key file left from the first start would make clients try CURVE: say so.
          .contains("clients in this project will use CURVE");
      server.signal("TERM");
      server.waitFor(T);
    }
  }

  @Test
  void authAndInsecureTogetherAreAUsageError() throws Exception {
    try (CliProcess p = CliProcess.start(dir, "-p", "1", "serve", "--auth", "--insecure")) {
      assertThat(p.waitFor(T)).isEqualTo(2);
      assertThat(p.stderr()).contains("--auth and --insecure contradict each other");
    }
  }
}
