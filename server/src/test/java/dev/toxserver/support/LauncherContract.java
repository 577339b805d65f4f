package dev.toxserver.support;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * What both committed launchers promise, one template making them both: they run the jar that 'mvn
 * package' built, record a start-up archive, and refuse a Java older than 17 with one clear line.
 * Run for {@code tox-server} by LauncherIT and for {@code bridge} by BridgeLauncherIT, which add
 * what is each program's own. Tests run in the module's folder.
 */
@Timeout(120)
public abstract class LauncherContract {
  @TempDir protected Path dir;

  /** How a launch ended. */
  public record Launched(int code, String out, String err) {}

  /** The program's name: the first word of its version line and of its messages. */
  protected abstract String program();

  /** The launcher, e.g. {@code bin/bridge}, absolute. */
  protected abstract Path launcher();

  /** A long-running subcommand, which the launcher starts with its own JVM options. */
  protected abstract String longRunningCommand();

  /** Runs {@code command} in {@link #dir} with {@code env} added, stdin empty; waits up to 60 s. */
  protected Launched launch(Map<String, String> env, List<String> command) throws Exception {
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

  /** The launcher with {@code args}, and {@code env} added. */
  protected Launched launch(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(launcher().toString()));
    command.addAll(List.of(args));
    return launch(env, command);
  }

  /** The launcher with {@code args}. */
  protected Launched launch(String... args) throws Exception {
    return launch(Map.of(), args);
  }

  @Test
  void theLauncherRunsTheBuiltJarAndRecordsAStartUpArchive() throws Exception {
    Launched version = launch("--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith(program() + " ");
    assertThat(version.err()).as("nothing but the answer").isEmpty();
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(
              n -> n.startsWith(program() + "-") && (n.endsWith(".jsa") || n.endsWith(".aot")));
    }
  }

  @Test
  void anOldJavaInJavaHomeIsRefusedWithAClearMessageAndNeverRun() throws Exception {
    FakeJava java11 = FakeJava.jdk(dir.resolve("jdk-11"), "11.0.22");

    Launched run = launch(Map.of("JAVA_HOME", java11.home().toString()), "--version");

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(tooOld(java11));
    assertThat(java11.calls()).as("the JDK's release file tells the version").isEmpty();
  }

  @Test
  void anOldJavaOnThePathIsAskedForItsVersionAndNothingElse() throws Exception {
    FakeJava java11 = FakeJava.alone(dir.resolve("old-java"), "11.0.22");

    Launched run =
        launch(
            Map.of("JAVA_HOME", "", "PATH", java11.bin() + ":/usr/bin:/bin"), longRunningCommand());

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(tooOld(java11));
    assertThat(java11.calls()).containsExactly("-version");
  }

  private String tooOld(FakeJava java) {
    return program()
        + " needs Java 17 or newer; found 11 at "
        + java.java()
        + "; set JAVA_HOME to a Java 17 or newer installation\n";
  }
}
