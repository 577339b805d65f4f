package dev.toxserver.servercli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.support.Await;
import dev.toxserver.support.FakeJava;
import dev.toxserver.support.FakeTox;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code server/bin/tox-server}, the committed launcher, on the jar that 'mvn package' built. */
@Timeout(120)
class LauncherIT {
  static final Path LAUNCHER = Path.of("bin/tox-server").toAbsolutePath();

  @TempDir Path dir;

  private record Launched(int code, String out, String err) {}

  private Launched launch(String... args) throws Exception {
    return launch(Map.of(), args);
  }

  private Launched launch(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Launched(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Test
  void theLauncherRunsTheBuiltJarAndRecordsAStartUpArchive() throws Exception {
    Launched version = launch("--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith("tox-server ");
    assertThat(version.err()).as("nothing but the answer").isEmpty();
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("tox-server-") && (n.endsWith(".jsa") || n.endsWith(".aot")));
    }
  }

  @Test
  void anOldJavaInJavaHomeIsRefusedWithAClearMessageAndNeverRun() throws Exception {
    FakeJava java11 = FakeJava.jdk(dir.resolve("jdk-11"), "11.0.22");

    Launched run = launch(Map.of("JAVA_HOME", java11.home().toString()), "--version");

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "tox-server needs Java 17 or newer; found 11 at "
                + java11.java()
                + "; set JAVA_HOME to a Java 17 or newer installation\n");
    assertThat(java11.calls()).as("the JDK's release file tells the version").isEmpty();
  }

  @Test
  void anOldJavaOnThePathIsAskedForItsVersionAndNothingElse() throws Exception {
    FakeJava java11 = FakeJava.alone(dir.resolve("old-java"), "11.0.22");

    Launched run =
        launch(Map.of("JAVA_HOME", "", "PATH", java11.bin() + ":/usr/bin:/bin"), "--version");

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "tox-server needs Java 17 or newer; found 11 at "
                + java11.java()
                + "; set JAVA_HOME to a Java 17 or newer installation\n");
    assertThat(java11.calls()).containsExactly("-version");
  }

  @Test
  void serveAndTheClientCommandsWorkThroughTheLauncher() throws Exception {
    int port = dev.toxserver.support.CliProcess.freePort();
    Process server =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "-p",
                Integer.toString(port),
                "serve",
                "--no-tee",
                "--command",
                "/bin/sh " + FakeTox.script())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    try {
      Path log = dir.resolve("server.log");
      Await.until(
          () -> {
            assertThat(server.isAlive()).as("server running").isTrue();
            return Files.readString(log).contains("^C to exit");
          },
          Duration.ofSeconds(30),
          () -> "the server to start; its log:\n" + read(log));
      Launched run = launch("-p", Integer.toString(port), "run", "--", "exit", "4");
      assertThat(run.code()).isEqualTo(4);
      assertThat(run.out()).isEqualTo("exiting with 4\n");
      assertThat(run.err()).isEqualTo("to stderr\n");
      Launched quit = launch("-p", Integer.toString(port), "quit");
      assertThat(quit.out().trim()).isEqualTo("DONE");
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).isZero();
    } finally {
      server.destroyForcibly();
    }
  }
}
