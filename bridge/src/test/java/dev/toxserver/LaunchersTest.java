package dev.toxserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both launchers, server/bin/tox-server and bridge/bin/bridge, are what launcher/generate writes
 * from launcher/template.sh: one shape, edited in one place. They stay committed because they must
 * run from a checkout and are copied as they are (the Dev Container Feature, the VS Code
 * extension).
 */
@Timeout(60)
class LaunchersTest {
  /** The repository: the bridge module's tests run in bridge/. */
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  static final List<String> LAUNCHERS = List.of("server/bin/tox-server", "bridge/bin/bridge");

  @TempDir Path generated;

  @Test
  void theCommittedLaunchersAreWhatTheTemplateGenerates() throws Exception {
    Process generate =
        new ProcessBuilder("sh", REPO.resolve("launcher/generate").toString(), generated.toString())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .start();
    String output = new String(generate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(generate.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(generate.exitValue()).as("launcher/generate: %s", output).isZero();

    for (String launcher : LAUNCHERS) {
      Path committed = REPO.resolve(launcher);
      assertThat(Files.readString(committed))
          .as(
              "%s differs from what launcher/generate makes of launcher/template.sh: edit the"
                  + " template, then run launcher/generate",
              launcher)
          .isEqualTo(Files.readString(generated.resolve(launcher)));
      assertThat(Files.isExecutable(committed)).as("%s is executable", launcher).isTrue();
    }
  }
}
