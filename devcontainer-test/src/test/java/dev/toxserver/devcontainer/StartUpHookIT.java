package dev.toxserver.devcontainer;

import static dev.toxserver.devcontainer.DevcontainerFiles.FEATURE;
import static dev.toxserver.devcontainer.DevcontainerFiles.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toxserver.support.Await;
import dev.toxserver.support.CliProcess;
import dev.toxserver.support.FakeTox;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Feature's install.sh under dash, and the start-up hooks run exactly as the dev-container CLI
 * runs them ({@code sh -c} with the postStartCommand, in the workspace, with the container's
 * environment), against the jars 'mvn package' built. On this machine, on loopback; the network
 * shape of a container is {@link ContainerNetworkIT}'s.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StartUpHookIT {
  @TempDir Path tmp;
  Path prefix;
  Path workspace;
  int port;

  @BeforeEach
  void setUp() throws IOException {
    prefix = Files.createDirectories(tmp.resolve("prefix"));
    workspace = Files.createDirectories(tmp.resolve("workspace"));
    port = CliProcess.freePort();
  }

  @AfterEach
  void stopEverythingStartedInTheWorkspace() throws Exception {
    Shell.killAllIn(workspace);
    for (String link : List.of("server", ".devcontainer")) {
      if (Files.isSymbolicLink(workspace.resolve(link))) {
        Files.delete(workspace.resolve(link)); // the link only, before @TempDir walks into it
      }
    }
  }

  /** Runs install.sh with dash, as Debian's /bin/sh, with the feature's options. */
  private Shell.CommandResult install(Map<String, String> options) throws Exception {
    Map<String, String> env = new HashMap<>(options);
    env.put("PREFIX", prefix.toString());
    return Shell.run(List.of("dash", FEATURE.resolve("install.sh").toString()), tmp, env);
  }

  private Map<String, String> featureOptions() {
    return Map.of(
        "PORT",
        Integer.toString(port),
        "COMMAND",
        "/bin/sh " + FakeTox.script(),
        // Loopback on a shared machine; the container's default (0.0.0.0) is ContainerNetworkIT's.
        "BINDHOST",
        "127.0.0.1");
  }

  /** What the dev-container CLI does with a postStartCommand string: sh -c, in the workspace. */
  private Shell.Started hook(String command, Map<String, String> env) throws IOException {
    return Shell.start(List.of("sh", "-c", command), workspace, env);
  }

  private Map<String, String> withInstalledPath() {
    return Map.of("PATH", prefix.resolve("bin") + ":" + System.getenv("PATH"));
  }

  private String featureHook() throws IOException {
    return DevcontainerFiles.featureJson().path("postStartCommand").asText();
  }

  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String kind =
            Files.isSymbolicLink(p)
                ? "-> " + Files.readSymbolicLink(p)
                : Files.isDirectory(p)
                    ? "dir"
                    : (Files.isExecutable(p) ? "x " : "- ")
                        + java.util.Arrays.hashCode(Files.readAllBytes(p));
        files.put(root.relativize(p).toString(), kind);
      }
    }
    return files;
  }

  @Test
  void installShRunsUnderDashAndASecondRunChangesNothing() throws Exception {
    Shell.CommandResult first = install(featureOptions());
    assertThat(first.code()).as(first.all()).isZero();
    assertThat(first.out()).contains("installed tox-server");
    Map<String, String> installed = snapshot(prefix);
    assertThat(installed)
        .containsKeys(
            "bin/tox-server",
            "bin/tox-server-start",
            "share/tox-server/bin/tox-server",
            "share/tox-server/bin/tox-server-start",
            "share/tox-server/target/tox-server.jar");
    assertThat(installed.get("bin/tox-server-start")).startsWith("x ");

    Shell.CommandResult second = install(featureOptions());
    assertThat(second.code()).as(second.all()).isZero();
    assertThat(snapshot(prefix)).isEqualTo(installed);

    Shell.CommandResult version =
        Shell.run(List.of(prefix.resolve("bin/tox-server").toString(), "--version"), tmp, Map.of());
    assertThat(version.out()).startsWith("tox-server ");
  }

  @Test
  void installShRefusesABadPortWithAClearMessage() throws Exception {
    Shell.CommandResult bad = install(Map.of("PORT", "98x"));
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("option port must be a number, not '98x'");
  }

  @Test
  void theFeaturesHookStartsOneServerThatTheBridgeReachesAndLeavesItAloneNextTime()
      throws Exception {
    assertThat(install(featureOptions()).code()).isZero();

    Shell.CommandResult first =
        hook(featureHook(), withInstalledPath()).await(Duration.ofSeconds(90));
    assertThat(first.code()).as(first.all()).isZero();
    long pid = Shell.startedPid(first);
    assertThat(Await.running(pid)).isTrue();

    Shell.CommandResult ping = Shell.bridge(workspace, "-p", Integer.toString(port), "ping");
    assertThat(ping.code()).as(ping.all()).isZero();
    JsonNode health = DevcontainerFiles.read(writeTemp(ping.out()));
    assertThat(Path.of(health.path("workdir").asText())).isEqualTo(workspace.toRealPath());

    Shell.CommandResult run =
        Shell.bridge(workspace, "-p", Integer.toString(port), "run", "--", "echo", "in the hook's");
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.out()).isEqualTo("in the hook's\n");

    Shell.CommandResult second =
        hook(featureHook(), withInstalledPath()).await(Duration.ofSeconds(90));
    assertThat(second.code()).as(second.all()).isZero();
    assertThat(second.out()).contains("already answers").doesNotContain("started");
    assertThat(Shell.serversIn(workspace)).extracting(ProcessHandle::pid).containsExactly(pid);

    assertThat(workspace.resolve(".tox-server/server.log"))
        .content()
        .contains("Running server at tcp://127.0.0.1:" + port);
    assertThat(workspace.resolve(".tox-server/.gitignore")).content().contains("*");
  }

  @Test
  void theLogIsRotatedPastItsCapAtStartAndHoldsNoRunOutput() throws Exception {
    assertThat(install(featureOptions()).code()).isZero();
    Path log = workspace.resolve(".tox-server/server.log");
    Files.createDirectories(log.getParent());
    String old = "an old server's line\n".repeat(100); // 2100 bytes: over a cap of 1 KiB
    Files.writeString(log, old);
    Map<String, String> env = new HashMap<>(withInstalledPath());
    env.put("TOX_SERVER_LOG_MAX_KB", "1");

    Shell.CommandResult start = hook(featureHook(), env).await(Duration.ofSeconds(90));
    assertThat(start.code()).as(start.all()).isZero();
    assertThat(workspace.resolve(".tox-server/server.log.1")).content().isEqualTo(old);
    assertThat(log).content().doesNotContain("an old server's line").contains("Running server at");

    // 20000 lines (109 KB) of run output reach the client, not the log.
    Shell.CommandResult run =
        Shell.bridge(workspace, "-p", Integer.toString(port), "run", "--", "flood", "20000");
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.out()).endsWith("\n19999\n20000\n");
    Await.until(
        () -> Files.readString(log).contains("Finished run #1"),
        Duration.ofSeconds(30),
        "the server to log the run's end");
    assertThat(log).content().doesNotContain("\n19999\n");
    assertThat(Files.size(log)).isLessThan(8192);
  }

  @Test
  void twoStartsAtOnceMakeOneServer() throws Exception {
    assertThat(install(featureOptions()).code()).isZero();
    Shell.Started a = hook(featureHook(), withInstalledPath());
    Shell.Started b = hook(featureHook(), withInstalledPath());
    Shell.CommandResult ra = a.await(Duration.ofSeconds(90));
    Shell.CommandResult rb = b.await(Duration.ofSeconds(90));
    assertThat(ra.code()).as(ra.all()).isZero();
    assertThat(rb.code()).as(rb.all()).isZero();
    assertThat(List.of(ra.out(), rb.out()))
        .as("one started it, the other found it")
        .anyMatch(o -> o.contains("started tox-server"))
        .anyMatch(o -> o.contains("already answers"));
    assertThat(Shell.serversIn(workspace)).hasSize(1);
  }

  @Test
  void aPortTakenBySomethingElseFailsWithTheLogsTail() throws Exception {
    assertThat(install(featureOptions()).code()).isZero();
    try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      Shell.CommandResult r =
          hook(featureHook(), withInstalledPath()).await(Duration.ofSeconds(90));
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err())
          .contains("tox-server serve exited without answering on 127.0.0.1:" + port)
          .contains("Last lines of " + workspace.toRealPath().resolve(".tox-server/server.log"))
          .contains("already in use");
    }
    assertThat(Shell.serversIn(workspace)).isEmpty();
  }

  /**
   * This repository's own devcontainer.json: its hook runs the workspace's launcher. The workspace
   * here is a copy made of links to the repository's server/ and .devcontainer/.
   */
  @Test
  void theRepositorysHookStartsTheWorkspacesServerOnce() throws Exception {
    Files.createSymbolicLink(workspace.resolve("server"), REPO.resolve("server"));
    Files.createSymbolicLink(workspace.resolve(".devcontainer"), REPO.resolve(".devcontainer"));
    JsonNode json = DevcontainerFiles.devcontainerJson();
    Map<String, String> env = new HashMap<>();
    json.path("containerEnv")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    assertThat(env).containsKeys("TOX_SERVER_PORT", "TOX_SERVER_BIND_HOST");
    // A free port (others test on this machine too), and loopback: the container's 0.0.0.0 would
    // open the port to the network here; ContainerNetworkIT covers that shape.
    env.put("TOX_SERVER_PORT", Integer.toString(port));
    env.put("TOX_SERVER_BIND_HOST", "127.0.0.1");
    env.put("TOX_SERVER_COMMAND", "/bin/sh " + FakeTox.script());
    String command = json.path("postStartCommand").asText();

    Shell.CommandResult first = hook(command, env).await(Duration.ofSeconds(90));
    assertThat(first.code()).as(first.all()).isZero();
    long pid = Shell.startedPid(first);
    assertThat(ProcessHandle.of(pid).orElseThrow().info().commandLine().orElse(""))
        .contains(REPO.resolve("server/target/tox-server.jar").toString());

    Shell.CommandResult run =
        Shell.bridge(workspace, "-p", Integer.toString(port), "run", "--", "exit", "3");
    assertThat(run.code()).isEqualTo(3);
    assertThat(run.out()).isEqualTo("exiting with 3\n");

    Shell.CommandResult second = hook(command, env).await(Duration.ofSeconds(90));
    assertThat(second.code()).as(second.all()).isZero();
    assertThat(second.out()).contains("already answers");
    assertThat(Shell.serversIn(workspace)).extracting(ProcessHandle::pid).containsExactly(pid);
  }

  private Path writeTemp(String text) throws IOException {
    return Files.writeString(Files.createTempFile(tmp, "ping", ".json"), text);
  }
}
