package dev.toxserver.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.keys.ClientKeys;
import dev.toxserver.keys.KeyFiles;
import dev.toxserver.keys.KeyPair;
import dev.toxserver.keys.StateDir;
import dev.toxserver.server.ServerConfig;
import dev.toxserver.support.Await;
import dev.toxserver.support.CliProcess;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bridge stdio} as an editor drives it: a real bridge process, an lsp4j client on its pipes,
 * a real server whose fake tox logs every run.
 */
// A separate thread: a test blocked reading a pipe cannot be interrupted.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BridgeStdioTest {
  private static final Duration T = Duration.ofSeconds(30);

  /** Five debounce periods: how long "no run started" is given to be wrong. */
  private static final Duration QUIET = Duration.ofMillis(500);

  @TempDir Path dir;
  private Path project;
  private Path outside;
  private Path runLog;

  @BeforeEach
  void project() throws Exception {
    project = Files.createDirectories(dir.resolve("project"));
    outside = Files.createDirectories(dir.resolve("outside"));
    runLog = outside.resolve("runs.log");
    Files.writeString(project.resolve("app.py"), "A = 1\n");
  }

  private TestServer server() throws Exception {
    return TestServer.start(FakeTox.loggingTo(runLog), outside);
  }

  private static BridgeApi.RunParams args(String... args) {
    BridgeApi.RunParams p = new BridgeApi.RunParams();
    p.args = List.of(args);
    return p;
  }

  private static int errorCode(Throwable t) {
    Throwable cause = t instanceof ExecutionException ? t.getCause() : t;
    assertThat(cause).isInstanceOf(ResponseErrorException.class);
    return ((ResponseErrorException) cause).getResponseError().getCode();
  }

  @Test
  void anUnauthorisedBridgeSaysSoAndRunsOnceAuthorisedWithoutARestart() throws Exception {
    Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.resolve("config").toString());
    try (TestServer server =
        new TestServer(
            ServerConfig.local(FakeTox.loggingTo(runLog), project)
                .withKillGrace(Duration.ofSeconds(2))
                .withAuth(true))) {
      // No key pair on this machine yet: initialize says so, and what to do.
      try (StdioBridge b = StdioBridge.start(dir, env)) {
        assertThatThrownBy(() -> b.initialize(project, server.server.port(), false))
            .satisfies(e -> assertThat(errorCode(e)).isEqualTo(BridgeApi.Errors.AUTH_FAILED))
            .hasMessageContaining("bridge auth");
      }
      // A key pair the server does not know: reported as an authentication failure.
      KeyPair pair = ClientKeys.of(env).loadOrCreate(new boolean[1]);
      try (StdioBridge b = StdioBridge.start(dir, env)) {
        assertThat(b.initialize(project, server.server.port(), false).serverReachable).isFalse();
        BridgeApi.ServerStatus refused =
            b.editor.await(BridgeApi.ServerStatus.class, s -> !s.reachable, T);
        assertThat(refused.authFailed).isTrue();
        assertThat(refused.message).contains("rejected").contains("bridge auth");
        assertThatThrownBy(() -> b.bridge.run(args("echo", "x")).get(30, TimeUnit.SECONDS))
            .satisfies(e -> assertThat(errorCode(e)).isEqualTo(BridgeApi.Errors.AUTH_FAILED));
        assertThat(runLog).doesNotExist();
        // Authorised while the bridge runs (what 'bridge auth' writes): it reconnects by itself.
        KeyFiles.writePublic(
            StateDir.of(project).resolve("authorized_keys/test.key"), pair.publicKey());
        BridgeApi.ServerStatus up =
            b.editor.await(BridgeApi.ServerStatus.class, s -> s.reachable, T);
        assertThat(up.authFailed).isNull();
        BridgeApi.RunResult r = b.bridge.run(args("echo", "authorised")).get(30, TimeUnit.SECONDS);
        assertThat(b.editor.text(r.runId, "stdout")).isEqualTo("authorised\n");
      }
    }
  }

  @Test
  void requestsBeforeInitializeAreRefused() throws Exception {
    try (StdioBridge b = StdioBridge.start(dir)) {
      assertThatThrownBy(() -> b.bridge.status(new BridgeApi.Empty()).get(30, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(errorCode(e)).isEqualTo(BridgeApi.Errors.NOT_INITIALIZED));
      assertThatThrownBy(() -> b.bridge.run(args("echo", "x")).get(30, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(errorCode(e)).isEqualTo(BridgeApi.Errors.NOT_INITIALIZED));
    }
  }

  @Test
  void aRejectedInitializeLeavesTheSessionAsIfItNeverCameAndDebounceZeroMeansNoDebounce()
      throws Exception {
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      assertThatThrownBy(() -> b.initialize(project, server.server.port(), true, -1))
          .satisfies(e -> assertThat(errorCode(e)).isEqualTo(-32602))
          .hasMessageContaining("debounceMs");
      assertThatThrownBy(() -> b.bridge.status(new BridgeApi.Empty()).get(30, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(errorCode(e)).isEqualTo(BridgeApi.Errors.NOT_INITIALIZED));
      // 0, which the extension's setting allows, is valid: no debounce.
      assertThat(b.initialize(project, server.server.port(), true, 0).serverReachable).isTrue();
      Files.writeString(project.resolve("app.py"), "A = 2\n");
      BridgeApi.RunQueued q = b.editor.await(BridgeApi.RunQueued.class, x -> true, T);
      assertThat(q.trigger).isEqualTo("change");
      assertThat(b.editor.await(BridgeApi.RunFinished.class, x -> true, T).error).isNull();
    }
  }

  @Test
  void aManualRunIsQueuedStartedStreamedAndFinishedInThatOrder() throws Exception {
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      BridgeApi.InitializeResult init = b.initialize(project, server.server.port(), false);
      assertThat(init.serverReachable).isTrue();
      assertThat(init.serverWorkdir).isEqualTo(outside.toString());
      assertThat(init.protocolVersion).isEqualTo(2);
      assertThat(init.bridgeVersion).startsWith("bridge ");
      BridgeApi.RunResult r = b.bridge.run(args("exit", "3")).get(30, TimeUnit.SECONDS);
      assertThat(r.returncode).isEqualTo(3);
      assertThat(r.cancelled).isFalse();
      List<Object> order =
          b.editor.all().stream()
              .filter(o -> !(o instanceof BridgeApi.ServerStatus || o instanceof BridgeApi.Log))
              .toList();
      assertThat(order.get(0)).isInstanceOf(BridgeApi.RunQueued.class);
      assertThat(order.get(1)).isInstanceOf(BridgeApi.RunStarted.class);
      assertThat(order.get(order.size() - 1)).isInstanceOf(BridgeApi.RunFinished.class);
      BridgeApi.RunQueued q = (BridgeApi.RunQueued) order.get(0);
      assertThat(q.trigger).isEqualTo("manual");
      assertThat(q.runId).isEqualTo(r.runId);
      assertThat(b.editor.text(r.runId, "stdout")).isEqualTo("exiting with 3\n");
      assertThat(b.editor.text(r.runId, "stderr")).isEqualTo("to stderr\n");
      BridgeApi.RunFinished f = (BridgeApi.RunFinished) order.get(order.size() - 1);
      assertThat(f.returncode).isEqualTo(3);
      assertThat(f.cancelled).isFalse();
      assertThat(f.error).isNull();
    }
  }

  @Test
  void textIsDecodedPerStreamAcrossASplitCharacterAndInvalidBytesBecomeReplacements()
      throws Exception {
    Path release = outside.resolve("release");
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      b.initialize(project, server.server.port(), false);
      CompletableFuture<BridgeApi.RunResult> run = b.bridge.run(args("split", release.toString()));
      BridgeApi.RunStarted started = b.editor.await(BridgeApi.RunStarted.class, s -> true, T);
      // The first two bytes of the euro sign have been sent on their own by now (or soon): none of
      // it may reach the editor as a broken character.
      Files.writeString(release, "go");
      BridgeApi.RunResult r = run.get(30, TimeUnit.SECONDS);
      assertThat(r.runId).isEqualTo(started.runId);
      assertThat(b.editor.text(r.runId, "stdout")).isEqualTo("\u20ac and \ufffd invalid\n");
    }
  }

  @Test
  void heavyOutputIsCoalescedToAboutSixtyNotificationsASecondAndNothingIsDropped()
      throws Exception {
    int lines = 300_000;
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      b.initialize(project, server.server.port(), false);
      long start = System.nanoTime();
      BridgeApi.RunResult r =
          b.bridge.run(args("flood", Integer.toString(lines))).get(60, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;
      StringBuilder expected = new StringBuilder();
      for (int i = 1; i <= lines; i++) {
        expected.append(i).append('\n');
      }
      assertThat(b.editor.text(r.runId, "stdout")).isEqualTo(expected.toString());
      long notifications =
          b.editor.of(BridgeApi.Output.class).stream().filter(o -> o.runId == r.runId).count();
      // At most one per 1/60 s, plus the final flush.
      assertThat(notifications).isLessThanOrEqualTo((long) Math.ceil(seconds * 60) + 2);
    }
  }

  @Test
  void cancellingTheRunRequestCancelsTheRunOnTheServer() throws Exception {
    Path child = outside.resolve("child.pid");
    Path daemon = outside.resolve("daemon.pid");
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      b.initialize(project, server.server.port(), false);
      CompletableFuture<BridgeApi.RunResult> run =
          b.bridge.run(args("tree", child.toString(), daemon.toString()));
      BridgeApi.RunQueued q = b.editor.await(BridgeApi.RunQueued.class, x -> true, T);
      long childPid = Await.pidIn(child, T);
      long daemonPid = Await.pidIn(daemon, T);
      run.cancel(true); // lsp4j sends $/cancelRequest
      BridgeApi.RunFinished f =
          b.editor.await(BridgeApi.RunFinished.class, x -> x.runId == q.runId, T);
      assertThat(f.cancelled).isTrue();
      assertThat(f.returncode).isEqualTo(-15);
      Await.until(() -> !Await.running(childPid), T, "the run's child to end");
      Await.until(() -> !Await.running(daemonPid), T, "the run's daemon to end");
    }
  }

  @Test
  void aSaveRunsAutomaticallyAndCancelStopsAnAutoRun() throws Exception {
    Path release = outside.resolve("release");
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      BridgeApi.InitializeParams p = new BridgeApi.InitializeParams();
      p.workspaceFolder = project.toString();
      p.server = new BridgeApi.ServerOptions();
      p.server.host = "127.0.0.1";
      p.server.port = server.server.port();
      p.toxArgs = List.of("wait-for", release.toString());
      b.bridge.initialize(p).get(30, TimeUnit.SECONDS);
      Files.writeString(project.resolve("app.py"), "A = 2\n");
      BridgeApi.RunQueued q = b.editor.await(BridgeApi.RunQueued.class, x -> true, T);
      assertThat(q.trigger).isEqualTo("change");
      assertThat(q.changedFiles).containsExactly("app.py");
      b.editor.await(BridgeApi.RunStarted.class, x -> x.runId == q.runId, T);
      BridgeApi.StatusResult s = b.bridge.status(new BridgeApi.Empty()).get(30, TimeUnit.SECONDS);
      assertThat(s.currentRun.runId).isEqualTo(q.runId);
      assertThat(s.currentRun.state).isEqualTo("running");
      assertThat(s.currentRun.trigger).isEqualTo("change");
      assertThat(s.autoRun).isTrue();
      assertThat(s.serverReachable).isTrue();
      assertThat(s.serverWorkdir).isEqualTo(outside.toString());
      assertThat(b.bridge.cancel(new BridgeApi.CancelParams()).get(30, TimeUnit.SECONDS).cancelled)
          .isTrue();
      BridgeApi.RunFinished f =
          b.editor.await(BridgeApi.RunFinished.class, x -> x.runId == q.runId, T);
      assertThat(f.cancelled).isTrue();

      BridgeApi.SetAutoRunParams off = new BridgeApi.SetAutoRunParams();
      off.enabled = false;
      assertThat(b.bridge.setAutoRun(off).get(30, TimeUnit.SECONDS).autoRun).isFalse();
      Files.writeString(project.resolve("app.py"), "A = 3\n");
      Thread.sleep(QUIET.toMillis()); // a bounded quiet period: no run may be queued
      assertThat(b.editor.of(BridgeApi.RunQueued.class)).hasSize(1);
      assertThat(Files.readAllLines(runLog)).hasSize(1);
    }
  }

  /** initialize with auto-runs of {@code wait-for release} and {@code onChange}. */
  private BridgeApi.InitializeResult initializeWaitingFor(
      StdioBridge b, int port, Path release, String onChange) throws Exception {
    BridgeApi.InitializeParams p = new BridgeApi.InitializeParams();
    p.workspaceFolder = project.toString();
    p.server = new BridgeApi.ServerOptions();
    p.server.host = "127.0.0.1";
    p.server.port = port;
    p.toxArgs = List.of("wait-for", release.toString());
    p.watch = new BridgeApi.WatchOptions();
    p.watch.onChange = onChange;
    return b.bridge.initialize(p).get(30, TimeUnit.SECONDS);
  }

  @Test
  void queueModeRunsOnceMoreAfterTheRunWithoutCancellingIt() throws Exception {
    Path release = outside.resolve("release");
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      initializeWaitingFor(b, server.server.port(), release, "queue");
      Files.writeString(project.resolve("app.py"), "A = 2\n");
      BridgeApi.RunQueued first = b.editor.await(BridgeApi.RunQueued.class, x -> true, T);
      b.editor.await(BridgeApi.RunStarted.class, x -> x.runId == first.runId, T);
      Files.writeString(project.resolve("b.py"), "B = 1\n");
      BridgeApi.RunQueued second = b.editor.await(BridgeApi.RunQueued.class, x -> true, 2, T);
      assertThat(second.changedFiles).containsExactly("b.py");
      BridgeApi.StatusResult s = b.bridge.status(new BridgeApi.Empty()).get(30, TimeUnit.SECONDS);
      assertThat(s.currentRun.runId).isEqualTo(first.runId);
      assertThat(s.currentRun.state).isEqualTo("running");
      Files.writeString(release, "go");
      BridgeApi.RunFinished f1 =
          b.editor.await(BridgeApi.RunFinished.class, x -> x.runId == first.runId, T);
      assertThat(f1.cancelled).isFalse();
      assertThat(f1.returncode).isZero();
      BridgeApi.RunFinished f2 =
          b.editor.await(BridgeApi.RunFinished.class, x -> x.runId == second.runId, T);
      assertThat(f2.returncode).isZero();
      assertThat(Files.readAllLines(runLog)).hasSize(2);
    }
  }

  @Test
  void ignoreModeDropsAChangeDuringARun() throws Exception {
    Path release = outside.resolve("release");
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      initializeWaitingFor(b, server.server.port(), release, "ignore");
      Files.writeString(project.resolve("app.py"), "A = 2\n");
      BridgeApi.RunQueued first = b.editor.await(BridgeApi.RunQueued.class, x -> true, T);
      b.editor.await(BridgeApi.RunStarted.class, x -> x.runId == first.runId, T);
      Files.writeString(project.resolve("b.py"), "B = 1\n");
      Thread.sleep(QUIET.toMillis()); // a bounded quiet period: the change comes in, and is dropped
      Files.writeString(release, "go");
      BridgeApi.RunFinished f1 =
          b.editor.await(BridgeApi.RunFinished.class, x -> x.runId == first.runId, T);
      assertThat(f1.cancelled).isFalse();
      Files.writeString(project.resolve("c.py"), "C = 1\n");
      BridgeApi.RunQueued next = b.editor.await(BridgeApi.RunQueued.class, x -> true, 2, T);
      assertThat(next.changedFiles).containsExactly("c.py");
      b.editor.await(BridgeApi.RunFinished.class, x -> x.runId == next.runId, T);
      assertThat(b.editor.of(BridgeApi.RunQueued.class)).hasSize(2);
    }
  }

  @Test
  void cancelAllCancelsEveryClientsRunsOnTheServer() throws Exception {
    Path release = outside.resolve("release");
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      b.initialize(project, server.server.port(), false);
      dev.toxserver.support.AsyncClient other =
          dev.toxserver.support.AsyncClient.run(
              server.endpoint, List.of("wait-for", release.toString()));
      other.recorder.awaitStdout("waiting for", T);
      BridgeApi.CancelAllResult r =
          b.bridge.cancelAll(new BridgeApi.Empty()).get(30, TimeUnit.SECONDS);
      assertThat(r.cancelled).isEqualTo(1);
      assertThat(other.await(T).returncode()).isEqualTo(-15);
    }
  }

  @Test
  void aRunCancelledByAnotherClientFinishesCancelledEvenWhenItsCommandExitsZero() throws Exception {
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      b.initialize(project, server.server.port(), false);
      java.util.concurrent.CompletableFuture<BridgeApi.RunResult> run =
          b.bridge.run(args("obliging"));
      b.editor.await(BridgeApi.Output.class, o -> o.text.contains("ready to be cancelled"), T);
      try (ToxServerClient other = new ToxServerClient(server.endpoint)) {
        assertThat(other.cancelAll(T)).isEqualTo(1);
      }
      BridgeApi.RunResult r = run.get(30, TimeUnit.SECONDS);
      assertThat(r.returncode).isZero();
      assertThat(r.cancelled).isTrue();
      BridgeApi.RunFinished f = b.editor.await(BridgeApi.RunFinished.class, x -> true, T);
      assertThat(f.returncode).isZero();
      assertThat(f.cancelled).isTrue();
    }
  }

  @Test
  void closingStdinCancelsTheRunAndExitsWithinTwoSeconds() throws Exception {
    Path child = outside.resolve("child.pid");
    Path daemon = outside.resolve("daemon.pid");
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      b.initialize(project, server.server.port(), false);
      b.bridge.run(args("tree", child.toString(), daemon.toString()));
      long childPid = Await.pidIn(child, T);
      Await.pidIn(daemon, T); // the run's tree is ready
      long start = System.nanoTime();
      b.process.getOutputStream().close();
      assertThat(b.waitFor(T)).isEqualTo(1); // no shutdown came first
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      Await.until(() -> !Await.running(childPid), T, "the run on the server to be cancelled");
    }
  }

  @Test
  void shutdownThenExitEndsWithZero() throws Exception {
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      b.initialize(project, server.server.port(), true);
      b.bridge.shutdown(new BridgeApi.Empty()).get(30, TimeUnit.SECONDS);
      assertThatThrownBy(() -> b.bridge.run(args("echo", "x")).get(30, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(errorCode(e)).isEqualTo(BridgeApi.Errors.SHUT_DOWN));
      b.bridge.exit();
      assertThat(b.waitFor(T)).isZero();
    }
  }

  @Test
  void theEditorProcessDyingEndsTheBridge() throws Exception {
    Process editorProcess = new ProcessBuilder("sleep", "300").start();
    try (TestServer server = server();
        StdioBridge b = StdioBridge.start(dir)) {
      BridgeApi.InitializeParams p = new BridgeApi.InitializeParams();
      p.workspaceFolder = project.toString();
      p.server = new BridgeApi.ServerOptions();
      p.server.port = server.server.port();
      p.processId = editorProcess.pid();
      b.bridge.initialize(p).get(30, TimeUnit.SECONDS);
      editorProcess.destroyForcibly();
      assertThat(b.waitFor(T)).isEqualTo(1);
    } finally {
      editorProcess.destroyForcibly();
    }
  }

  @Test
  void aServerThatGoesAwayAndComesBackIsReportedAndUsedAgain() throws Exception {
    int port = CliProcess.freePort();
    String[] serve = {
      "-p", Integer.toString(port), "serve", "--no-tee", "--command", "/bin/sh " + FakeTox.script()
    };
    CliProcess first = CliProcess.start(outside, serve);
    try (StdioBridge b = StdioBridge.start(dir)) {
      first.awaitStderr("^C to exit", T);
      assertThat(b.initialize(project, port, false).serverReachable).isTrue();
      first.signal("TERM");
      first.waitFor(T);
      BridgeApi.ServerStatus down =
          b.editor.await(BridgeApi.ServerStatus.class, s -> !s.reachable, T);
      assertThat(down.workdir).isNull();
      assertThatThrownBy(() -> b.bridge.run(args("echo", "x")).get(30, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(errorCode(e)).isEqualTo(BridgeApi.Errors.SERVER_UNREACHABLE));
      try (CliProcess second = CliProcess.start(outside, serve)) {
        second.awaitStderr("^C to exit", T);
        BridgeApi.ServerStatus up =
            b.editor.await(BridgeApi.ServerStatus.class, s -> s.reachable, 2, T);
        assertThat(up.workdir).isEqualTo(outside.toString());
        BridgeApi.RunResult r = b.bridge.run(args("echo", "again")).get(30, TimeUnit.SECONDS);
        assertThat(b.editor.text(r.runId, "stdout")).isEqualTo("again\n");
      }
    } finally {
      first.close();
    }
  }

  @Test
  void aServerKilledMidRunFailsTheRunClearlyAndARestartedServerIsUsedWithoutRestartingTheBridge()
      throws Exception {
    int port = CliProcess.freePort();
    String[] serve = {
      "-p", Integer.toString(port), "serve", "--no-tee", "--command", "/bin/sh " + FakeTox.script()
    };
    Path child = outside.resolve("child.pid");
    Path daemon = outside.resolve("daemon.pid");
    CliProcess first = CliProcess.start(outside, serve);
    try (StdioBridge b = StdioBridge.start(dir)) {
      first.awaitStderr("^C to exit", T);
      assertThat(b.initialize(project, port, false).serverReachable).isTrue();
      CompletableFuture<BridgeApi.RunResult> run =
          b.bridge.run(args("tree", child.toString(), daemon.toString()));
      BridgeApi.RunQueued q = b.editor.await(BridgeApi.RunQueued.class, x -> true, T);
      Await.until(
          () -> b.editor.text(q.runId, "stdout").contains("tree ready"),
          T,
          "the run's tree to be ready");
      long childPid = Long.parseLong(Files.readString(child).trim());
      long daemonPid = Long.parseLong(Files.readString(daemon).trim());

      first.signal("KILL");
      first.waitFor(T);
      // The run in flight ends with an error that says what happened (within the 2 s timeout).
      assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(errorCode(e)).isEqualTo(BridgeApi.Errors.SERVER_UNREACHABLE));
      BridgeApi.RunFinished f =
          b.editor.await(BridgeApi.RunFinished.class, x -> x.runId == q.runId, T);
      assertThat(f.error).contains("stopped answering");
      assertThat(f.returncode).isNull();
      b.editor.await(BridgeApi.ServerStatus.class, s -> !s.reachable, T);
      assertThat(Await.running(childPid)).as("the killed server's run, orphaned").isTrue();

      try (CliProcess second = CliProcess.start(outside, serve)) {
        second.awaitStderr("^C to exit", T);
        // The new server ended the orphans before it listened.
        assertThat(Await.running(childPid)).isFalse();
        assertThat(Await.running(daemonPid)).isFalse();
        b.editor.await(BridgeApi.ServerStatus.class, s -> s.reachable, 2, T);
        BridgeApi.RunResult r = b.bridge.run(args("echo", "again")).get(30, TimeUnit.SECONDS);
        assertThat(r.returncode).isZero();
        assertThat(b.editor.text(r.runId, "stdout")).isEqualTo("again\n");
      }
    } finally {
      first.close();
    }
  }

  /**
   * A run cancelled after its server died sends an INTERRUPT into the lost connection: it must not
   * reach the server started in its place (whose error reply would end the next run).
   */
  @Test
  void nothingOfALostConnectionReachesTheRestartedServer() throws Exception {
    int port = CliProcess.freePort();
    String[] serve = {
      "-p", Integer.toString(port), "serve", "--no-tee", "--command", "/bin/sh " + FakeTox.script()
    };
    Path release = outside.resolve("release");
    Path secondLog = outside.resolve("second.log");
    CliProcess first = CliProcess.start(outside, serve);
    try (StdioBridge b = StdioBridge.start(dir)) {
      first.awaitStderr("^C to exit", T);
      BridgeApi.InitializeParams p = new BridgeApi.InitializeParams();
      p.workspaceFolder = project.toString();
      p.server = new BridgeApi.ServerOptions();
      p.server.host = "127.0.0.1";
      p.server.port = port;
      p.server.timeoutSeconds = 5.0; // the cancel below comes long before the run gives up
      p.autoRun = false;
      assertThat(b.bridge.initialize(p).get(30, TimeUnit.SECONDS).serverReachable).isTrue();
      b.bridge.run(args("wait-for", release.toString()));
      BridgeApi.RunQueued q = b.editor.await(BridgeApi.RunQueued.class, x -> true, T);
      Await.until(
          () -> b.editor.text(q.runId, "stdout").contains("waiting for"), T, "the run to start");
      first.signal("KILL");
      first.waitFor(T);
      assertThat(b.bridge.cancel(new BridgeApi.CancelParams()).get(30, TimeUnit.SECONDS).cancelled)
          .isTrue();
      BridgeApi.RunFinished f =
          b.editor.await(BridgeApi.RunFinished.class, x -> x.runId == q.runId, T);
      assertThat(f.cancelled).isTrue();
      assertThat(f.returncode).isNull();
      Files.createFile(release);
      try (CliProcess second =
          CliProcess.start(outside, Map.of("FAKE_TOX_LOG", secondLog.toString()), serve)) {
        second.awaitStderr("^C to exit", T);
        b.editor.await(BridgeApi.ServerStatus.class, s -> s.reachable, 2, T);
        BridgeApi.RunResult r = b.bridge.run(args("echo", "again")).get(30, TimeUnit.SECONDS);
        assertThat(r.returncode).isZero();
        assertThat(b.editor.text(r.runId, "stdout")).isEqualTo("again\n");
        Await.until(() -> tasks(port) == 0, T, "the second server to be idle");
        assertThat(Files.readAllLines(secondLog)).containsExactly("echo again");
      }
    } finally {
      first.close();
    }
  }

  @Test
  void malformedInputGetsErrorsAndTheBridgeKeepsServing() throws Exception {
    try (TestServer server = server();
        StdioBridge b = StdioBridge.startRaw(dir)) {
      OutputStream in = b.process.getOutputStream();
      InputStream out = b.process.getInputStream();
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
              + "\"workspaceFolder\":"
              + quote(project.toString())
              + ",\"autoRun\":false,"
              + "\"server\":{\"host\":\"127.0.0.1\",\"port\":"
              + server.server.port()
              + "}}}");
      assertThat(responseTo(out, 1)).contains("\"serverReachable\":true");
      send(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"noSuchMethod\",\"params\":{}}");
      assertThat(responseTo(out, 2)).contains("\"code\":-32601");
      send(in, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"run\",\"params\":{\"args\":{\"a\":1}}}");
      assertThat(responseTo(out, 3)).contains("\"error\"");
      send(in, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"cancel\",\"params\":{\"runId\":\"x\"}}");
      assertThat(responseTo(out, 5)).contains("\"error\"");
      send(in, "{this is not json");
      assertThat(notification(out, "log")).contains("\"level\":\"error\"");
      // A header without a usable length: its body cannot be told apart, so none is sent.
      in.write("Content-Length: nonsense\r\n\r\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      send(in, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"status\",\"params\":{}}");
      assertThat(responseTo(out, 4)).contains("\"serverReachable\":true");
    }
  }

  /** Runs queued or running on the server at {@code port}, from a PING. */
  private static int tasks(int port) {
    try (ToxServerClient client = new ToxServerClient("tcp://127.0.0.1:" + port)) {
      return client.ping(T).path("tasks").asInt();
    } catch (ServerUnreachableException | ServerErrorException e) {
      throw new AssertionError(e);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void send(OutputStream in, String json) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    in.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    in.write(body);
    in.flush();
  }

  /** Reads frames until the response with {@code id}; returns its JSON. */
  private static String responseTo(InputStream out, int id) throws Exception {
    return frameMatching(
        out,
        json ->
            json.contains("\"id\":" + id + ",")
                || json.contains("\"id\":" + id + "}")
                || json.contains("\"id\":\"" + id + "\""));
  }

  /** Reads frames until a notification of {@code method}; returns its JSON. */
  private static String notification(InputStream out, String method) throws Exception {
    return frameMatching(out, json -> json.contains("\"method\":\"" + method + "\""));
  }

  private static String frameMatching(
      InputStream out, java.util.function.Predicate<String> matching) throws Exception {
    while (true) {
      StringBuilder header = new StringBuilder();
      while (!header.toString().endsWith("\r\n\r\n")) {
        int c = out.read();
        if (c < 0) {
          throw new AssertionError("stdout ended; headers so far: " + header);
        }
        header.append((char) c);
      }
      int length = -1;
      for (String line : header.toString().split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      String json = new String(out.readNBytes(length), StandardCharsets.UTF_8);
      if (matching.test(json)) {
        return json;
      }
    }
  }
}
