package dev.toxserver.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.support.FakeTox;
import dev.toxserver.support.LauncherContract;
import dev.toxserver.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bridge/bin/bridge}, the committed launcher, on the jar that 'mvn package' built: the
 * launchers' contract, and what is the bridge's own.
 */
@Timeout(120)
class BridgeLauncherIT extends LauncherContract {
  static final Path LAUNCHER = Path.of("bin/bridge").toAbsolutePath();

  @Override
  protected String program() {
    return "bridge";
  }

  @Override
  protected Path launcher() {
    return LAUNCHER;
  }

  @Override
  protected String longRunningCommand() {
    return "stdio";
  }

  /** The launcher with a pseudo-terminal as stdout and stderr, through util-linux's script(1). */
  private Launched launchOnTerminal(Map<String, String> env, String args) throws Exception {
    return launch(env, List.of("script", "-qec", LAUNCHER + " " + args, "/dev/null"));
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
