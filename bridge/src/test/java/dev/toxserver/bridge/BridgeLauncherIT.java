package dev.toxserver.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.support.FakeJava;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bridge/bin/bridge}, the committed launcher, on the jar that 'mvn package' built. */
@Timeout(120)
class BridgeLauncherIT {
  static final Path LAUNCHER = Path.of("bin/bridge").toAbsolutePath();

  @TempDir Path dir;

  private record Launched(int code, String out, String err) {}

  private Launched launch(Map<String, String> env, List<String> command) throws Exception {
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().remove("NO_COLOR");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Launched(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private Launched launch(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    return launch(Map.of(), cmd);
  }

  /** The launcher with a pseudo-terminal as stdout and stderr, through util-linux's script(1). */
  private Launched launchOnTerminal(Map<String, String> env, String args) throws Exception {
    return launch(env, List.of("script", "-qec", LAUNCHER + " " + args, "/dev/null"));
  }

  @Test
  void theLauncherRunsTheBuiltJarAndRecordsAStartUpArchive() throws Exception {
    Launched version = launch("--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith("bridge ");
    assertThat(version.err()).as("nothing but the answer").isEmpty();
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("bridge-") && (n.endsWith(".jsa") || n.endsWith(".aot")));
    }
  }

  @Test
  void anOldJavaInJavaHomeIsRefusedWithAClearMessageAndNeverRun() throws Exception {
    FakeJava java11 = FakeJava.jdk(dir.resolve("jdk-11"), "11.0.22");

    Launched run =
        launch(Map.of("JAVA_HOME", java11.home().toString()), List.of(LAUNCHER.toString(), "run"));

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "bridge needs Java 17 or newer; found 11 at "
                + java11.java()
                + "; set JAVA_HOME to a Java 17 or newer installation\n");
    assertThat(java11.calls()).as("the JDK's release file tells the version").isEmpty();
  }

  @Test
  void anOldJavaOnThePathIsAskedForItsVersionAndNothingElse() throws Exception {
    FakeJava java11 = FakeJava.alone(dir.resolve("old-java"), "11.0.22");

    Launched run =
        launch(
            Map.of("JAVA_HOME", "", "PATH", java11.bin() + ":/usr/bin:/bin"),
            List.of(LAUNCHER.toString(), "stdio"));

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "bridge needs Java 17 or newer; found 11 at "
                + java11.java()
                + "; set JAVA_HOME to a Java 17 or newer installation\n");
    assertThat(java11.calls()).containsExactly("-version");
  }

  @Test
  void runThroughTheLauncherKeepsStreamsApartAndSummarisesWithoutColourOffATerminal()
      throws Exception {
    try (TestServer server = TestServer.start(FakeTox.command(), dir)) {
      Launched run = launch("-p", Integer.toString(server.server.port()), "run", "--", "exit", "4");
      assertThat(run.code()).isEqualTo(4);
      assertThat(run.out()).isEqualTo("exiting with 4\n");
      assertThat(run.err()).matches("to stderr\n\\[FAIL\\] failed \\(exit 4\\) in \\d+\\.\\d s\n");
    }
  }

  @Test
  void theSummaryIsColouredOnATerminalUnlessNoColorIsSet() throws Exception {
    try (TestServer server = TestServer.start(FakeTox.command(), dir)) {
      String args = "-p " + server.server.port() + " run -- echo hi";
      Launched coloured = launchOnTerminal(Map.of(), args);
      assertThat(coloured.code()).isZero();
      assertThat(coloured.out()).contains("hi").contains("\u001b[32m[DONE] passed in");
      Launched plain = launchOnTerminal(Map.of("NO_COLOR", "1"), args);
      assertThat(plain.out()).contains("[DONE] passed in").doesNotContain("\u001b[");
    }
  }
}
