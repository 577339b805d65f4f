package dev.toxserver.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class WatchLimitTest {
  private static final Path ROOT = Path.of("/home/me/project");

  @Test
  void theMessageSaysWhichLimitAndHowToRaiseItOrDoWithout() {
    String message = WatchLimitException.message(ROOT, WatchLimitException.Limit.WATCHES, "8192");
    assertThat(message)
        .startsWith(
            "Cannot watch /home/me/project: the system's limit on inotify watches is used up")
        .contains("(fs.inotify.max_user_watches = 8192)")
        .contains("sudo sysctl fs.inotify.max_user_watches=524288")
        .contains("/etc/sysctl.d/")
        .contains("--exclude")
        .contains("--poll 500");
    assertThat(WatchLimitException.message(ROOT, WatchLimitException.Limit.INSTANCES, null))
        .contains("inotify instances")
        .contains("sudo sysctl fs.inotify.max_user_instances=1024")
        .doesNotContain("= null");
  }

  @Test
  void theJdksInotifyErrorsAreRecognisedWhereverWrapped() {
    IOException watches = new IOException("User limit of inotify watches reached");
    assertThat(WatchLimitException.recognise(ROOT, watches).limit())
        .isEqualTo(WatchLimitException.Limit.WATCHES);
    assertThat(WatchLimitException.recognise(ROOT, new UncheckedIOException(watches)).limit())
        .isEqualTo(WatchLimitException.Limit.WATCHES);
    IOException instances =
        new IOException("User limit of inotify instances reached or too many open files");
    assertThat(WatchLimitException.recognise(ROOT, instances).limit())
        .isEqualTo(WatchLimitException.Limit.INSTANCES);
    assertThat(WatchLimitException.recognise(ROOT, new IOException("Permission denied"))).isNull();
  }

  @Test
  void theOperatingSystemsRefusalAtStartIsAWatchLimitException(@TempDir Path root)
      throws Exception {
    List<String> output = probe("max_inotify_watches", 10, "at-start", root);
    assertThat(output.get(0)).isEqualTo("REFUSED WATCHES");
    assertThat(String.join("\n", output))
        .contains("inotify watches is used up")
        .containsPattern("\\(fs\\.inotify\\.max_user_watches = [0-9]{2,}\\)")
        .contains("sudo sysctl fs.inotify.max_user_watches=524288");
  }

  @Test
  void aDirectoryThatCannotBeWatchedLaterIsReportedAndWatchingGoesOn(@TempDir Path root)
      throws Exception {
    List<String> output = probe("max_inotify_watches", 10, "later", root);
    assertThat(output.get(0)).isEqualTo("FAILED WATCHES watching=true");
  }

  @Test
  void noInotifyInstanceLeftIsAWatchLimitException(@TempDir Path root) throws Exception {
    List<String> output = probe("max_inotify_instances", 0, "at-start", root);
    assertThat(output.get(0)).isEqualTo("REFUSED INSTANCES");
    assertThat(String.join("\n", output)).contains("fs.inotify.max_user_instances=1024");
  }

  /**
   * Runs {@link WatchLimitProbe} in a new user namespace whose inotify {@code limit} is {@code
   * value}. Since Linux 5.11 these limits are per user namespace, so this touches nothing outside
   * it; where user namespaces are unavailable, the test is skipped.
   */
  private static List<String> probe(String limit, int value, String mode, Path root)
      throws Exception {
    String setLimit = "echo " + value + " > /proc/sys/user/" + limit;
    assumeTrue(
        run(List.of("unshare", "--user", "--map-root-user", "sh", "-c", setLimit)).exitCode == 0,
        "needs unshare and per-user-namespace inotify limits (Linux >= 5.11)");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProbeRun result =
        run(
            List.of(
                "unshare",
                "--user",
                "--map-root-user",
                "sh",
                "-c",
                setLimit
                    + " && exec \"$0\" -cp \"$1\" "
                    + WatchLimitProbe.class.getName()
                    + " \"$2\" \"$3\"",
                java,
                System.getProperty("java.class.path"),
                mode,
                root.toString()));
    assertThat(result.exitCode).as("probe exit code; output:\n%s", result.output).isZero();
    return result.output.lines().filter(line -> !line.isBlank()).toList();
  }

  private record ProbeRun(int exitCode, String output) {}

  private static ProbeRun run(List<String> command) throws Exception {
    Path output = Files.createTempFile("watch-limit-probe", ".out");
    try {
      Process process;
      try {
        process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
      } catch (IOException e) {
        return new ProbeRun(-1, e.toString()); // no unshare here
      }
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new ProbeRun(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.delete(output);
    }
  }
}
