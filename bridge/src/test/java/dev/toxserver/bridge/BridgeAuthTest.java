package dev.toxserver.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.keys.StateDir;
import dev.toxserver.server.ServerConfig;
import dev.toxserver.support.CliProcess;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bridge auth} and authenticated runs as a user has them: real bridge processes, with their
 * own config folder, against a real server with authentication on in the project folder.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BridgeAuthTest {
  private static final Duration T = Duration.ofSeconds(30);

  @TempDir Path dir;

  private Path project;
  private Path log;

  private TestServer authServer() throws Exception {
    project = Files.createDirectories(dir.resolve("project"));
    log = dir.resolve("fake-tox.log");
    return new TestServer(
        ServerConfig.local(FakeTox.loggingTo(log), project)
            .withKillGrace(Duration.ofSeconds(2))
            .withAuth(true));
  }

  private CliProcess bridge(Path cwd, Path config, String... args) throws Exception {
    return BridgeRunTest.bridge(
        cwd,
        Map.of("XDG_CONFIG_HOME", config.toString(), "USER", "dev", "HOSTNAME", "laptop"),
        args);
  }

  private static String port(TestServer s) {
    return Integer.toString(s.server.port());
  }

  @Test
  void bridgeAuthAuthorisesThisClientOnceAndThenRunsWork() throws Exception {
    Path config = dir.resolve("config");
    try (TestServer server = authServer()) {
      // Not yet authorised: no key at all.
      try (CliProcess run = bridge(project, config, "-p", port(server), "run", "--", "echo", "x")) {
        assertThat(run.waitFor(T)).isEqualTo(77);
        assertThat(run.stderr()).contains("This client has no key yet").contains("bridge auth");
      }
      try (CliProcess auth = bridge(project, config, "auth")) {
        assertThat(auth.waitFor(T)).isZero();
        assertThat(auth.stdout())
            .contains("Made this client's key pair: " + config.resolve("tox-server/client.key"))
            .contains("Authorised this client for " + project)
            .containsPattern("wrote .*/authorized_keys/dev@laptop-[0-9a-f]{8}\\.key ");
      }
      Path keyFile = onlyKeyFile();
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(config.resolve("tox-server/client.key_secret"))))
          .isEqualTo("rw-------");
      String written = Files.readString(keyFile);
      try (CliProcess again = bridge(project, config, "auth")) {
        assertThat(again.waitFor(T)).isZero();
        assertThat(again.stdout()).contains("Already authorised").contains("Nothing changed");
      }
      assertThat(Files.readString(keyFile)).isEqualTo(written);
      try (CliProcess run =
          bridge(project, config, "-p", port(server), "run", "--", "echo", "through curve")) {
        assertThat(run.waitFor(T)).isZero();
        assertThat(run.stdout()).isEqualTo("through curve\n");
        assertThat(run.stderr()).contains("[DONE] passed");
      }
      // ping uses the same set-up.
      try (CliProcess ping = bridge(project, config, "-p", port(server), "ping")) {
        assertThat(ping.waitFor(T)).isZero();
        assertThat(ping.stdout()).contains("\"tasks\"");
      }
    }
  }

  private Path onlyKeyFile() throws Exception {
    try (Stream<Path> files = Files.list(StateDir.of(project).resolve("authorized_keys"))) {
      List<Path> all = files.toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }

  /** The name {@code bridge auth --list} gives the client whose config folder is {@code config}. */
  private String listedName(Path config) throws Exception {
    try (CliProcess list = bridge(project, config, "auth", "--list")) {
      assertThat(list.waitFor(T)).isZero();
      return list.stdout()
          .lines()
          .filter(l -> l.endsWith("(this client)"))
          .map(l -> l.trim().split("\\s+")[0])
          .findFirst()
          .orElseThrow(() -> new AssertionError("no '(this client)' in " + list.stdout()));
    }
  }

  @Test
  void twoClientsOfOnePersonKeepTheirOwnKeysAndEitherCanBeRevokedByName() throws Exception {
    // A terminal and an editor with another config folder, same USER@HOST.
    Path terminal = dir.resolve("terminal-config");
    Path editor = dir.resolve("editor-config");
    try (TestServer server = authServer()) {
      try (CliProcess auth = bridge(project, terminal, "auth")) {
        assertThat(auth.waitFor(T)).isZero();
      }
      // The editor's way: 'bridge auth FOLDER', from elsewhere.
      try (CliProcess auth = bridge(dir, editor, "auth", project.toString())) {
        assertThat(auth.waitFor(T)).isZero();
        assertThat(auth.stdout()).startsWith("Made this client's key pair");
        assertThat(auth.stdout()).contains("Authorised this client for " + project);
      }
      for (Path config : List.of(terminal, editor)) {
        try (CliProcess run =
            bridge(project, config, "-p", port(server), "run", "--", "echo", "both work")) {
          assertThat(run.waitFor(T)).as("bridge run with " + config).isZero();
        }
      }
      String terminalName = listedName(terminal);
      String editorName = listedName(editor);
      assertThat(terminalName).isNotEqualTo(editorName).startsWith("dev@laptop-");
      try (CliProcess list = bridge(project, terminal, "auth", "--list")) {
        assertThat(list.waitFor(T)).isZero();
        assertThat(list.stdout()).contains("2 keys").contains(terminalName).contains(editorName);
      }

      // The terminal's long run is going on when the editor revokes it.
      Path never = dir.resolve("never");
      try (CliProcess longRun =
          bridge(
              project, terminal, "-p", port(server), "run", "--", "wait-for", never.toString())) {
        longRun.awaitStdout("waiting for", T);
        try (CliProcess revoke = bridge(project, editor, "auth", "--revoke", terminalName)) {
          assertThat(revoke.waitFor(T)).isZero();
          assertThat(revoke.stdout()).contains("Revoked " + terminalName);
        }
        assertThat(longRun.waitFor(T)).isNotZero();
      }
      try (CliProcess run =
          bridge(project, terminal, "-p", port(server), "run", "--", "echo", "revoked")) {
        assertThat(run.waitFor(T)).isEqualTo(77);
      }
      try (CliProcess run =
          bridge(project, editor, "-p", port(server), "run", "--", "echo", "editor still works")) {
        assertThat(run.waitFor(T)).isZero();
      }
      // Idempotent, and only names in the folder.
      try (CliProcess again = bridge(project, editor, "auth", "--revoke", terminalName)) {
        assertThat(again.waitFor(T)).isZero();
        assertThat(again.stdout()).contains("nothing to revoke");
      }
      try (CliProcess bad = bridge(project, editor, "auth", "--revoke", "../../etc/passwd")) {
        assertThat(bad.waitFor(T)).isEqualTo(2);
      }
      try (CliProcess list = bridge(project, editor, "auth", "--list")) {
        assertThat(list.waitFor(T)).isZero();
        assertThat(list.stdout()).contains("1 key").doesNotContain(terminalName);
      }
    }
    assertThat(log).content().doesNotContain("revoked");
  }

  @Test
  void anotherUsersKeyIsRejectedWithWhatToDoAndNothingRuns() throws Exception {
    Path stranger = dir.resolve("stranger-config");
    try (TestServer server = authServer()) {
      // The stranger has a key, authorised for some other project only.
      Path other = Files.createDirectories(dir.resolve("other"));
      try (CliProcess auth = bridge(other, stranger, "auth")) {
        assertThat(auth.waitFor(T)).isZero();
      }
      long start = System.nanoTime();
      try (CliProcess run =
          bridge(project, stranger, "-p", port(server), "-t", "10", "run", "--", "echo", "nope")) {
        assertThat(run.waitFor(T)).isEqualTo(77);
        assertThat(run.stderr())
            .contains("rejected this client's key — run 'bridge auth' in the project");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      // Opting out of CURVE does not get around it.
      try (CliProcess run =
          bridge(
              project, stranger, "-p", port(server), "--insecure", "run", "--", "echo", "nope")) {
        assertThat(run.waitFor(T)).isEqualTo(77);
        assertThat(run.stderr()).contains("requires authentication (CURVE)");
      }
    }
    assertThat(log).doesNotExist();
  }

  @Test
  void watchUsesTheSameSetUp() throws Exception {
    Path config = dir.resolve("config");
    try (TestServer server = authServer()) {
      try (CliProcess auth = bridge(project, config, "auth")) {
        assertThat(auth.waitFor(T)).isZero();
      }
      try (CliProcess watch =
          bridge(
              dir,
              config,
              "-p",
              port(server),
              "watch",
              project.toString(),
              "--run-on-start",
              "--",
              "echo",
              "watched over curve")) {
        watch.awaitStdout("watched over curve", T);
        watch.awaitStderr("[DONE] passed", T);
      }
    }
  }

  @Test
  void watchRunsAgainOnceAuthorisedWithoutARestart() throws Exception {
    Path config = dir.resolve("config");
    try (TestServer server = authServer()) {
      // A key pair of this user's, authorised for another project only.
      Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
      try (CliProcess auth = bridge(elsewhere, config, "auth")) {
        assertThat(auth.waitFor(T)).isZero();
      }
      try (CliProcess watch =
          bridge(
              dir,
              config,
              "-p",
              port(server),
              "watch",
              project.toString(),
              "--run-on-start",
              "--",
              "echo",
              "authorised at last")) {
        watch.awaitStderr("rejected this client's key", T);
        try (CliProcess auth = bridge(project, config, "auth")) {
          assertThat(auth.waitFor(T)).isZero();
        }
        Files.writeString(project.resolve("app.py"), "A = 1\n");
        // The connection whose handshake failed is replaced: the same bridge runs now.
        watch.awaitStdout("authorised at last", T);
        watch.awaitStderr("[DONE] passed", T);
      }
    }
  }
}
