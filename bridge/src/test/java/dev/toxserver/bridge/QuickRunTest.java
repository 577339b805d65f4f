package dev.toxserver.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toxserver.cli.ConnectionOptions;
import dev.toxserver.cli.UsageError;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The start-up fast path must understand a command line exactly as picocli does, or not at all. */
class QuickRunTest {
  private static final Map<String, String> ENV =
      Map.of("TOX_SERVER_PORT", "7000", "TOX_SERVER_TIMEOUT", "3");

  /** What picocli makes of it: the resolved settings and the run's arguments. */
  private static Object[] picocli(String... argv) {
    CommandLine cl = new CommandLine(new BridgeCli(ENV));
    CommandLine.ParseResult parsed = cl.parseArgs(argv);
    RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();
    assertThat(run.local).isFalse();
    return new Object[] {ConnectionOptions.resolve(run.options, run.parent), run.args};
  }

  private static Object[] quick(QuickRun q) {
    return new Object[] {ConnectionOptions.resolve(q.runOptions(), q), q.args()};
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "run",
        "run --",
        "-p 9876 run -- -e py312 -- -k test_login",
        "run -p 1 -h example.org -t 2.5 -l DEBUG -- a b",
        "--port=5 run --host=x --timeout=7 -- --port 9",
        "-p 1 run -p 2",
        "-h 127.0.0.1 -p 9876 run -- -e py312",
        "--log-level WARNING run -- run",
        "-t 0.5 run -- --local --help",
      })
  void agreesWithPicocliOnEveryCommandLineItTakes(String line) {
    String[] argv = line.split(" ");
    Optional<QuickRun> q = QuickRun.parse(argv, ENV);
    assertThat(q).as("the fast path takes '%s'", line).isPresent();
    assertThat(quick(q.get())).isEqualTo(picocli(argv));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "run --local",
        "run --help",
        "--help",
        "--version",
        "ping",
        "watch",
        "run x",
        "-p 1 -p 2 run",
        "run -p",
        "run -p --help",
        "run -p x",
        "-p=5 run",
        "-p9876 run",
        "-b 0.0.0.0 run",
        "-- run",
        "run --command true",
      })
  void leavesEverythingElseToPicocli(String line) {
    assertThat(QuickRun.parse(line.split(" "), ENV)).isEmpty();
  }

  @Test
  void reportsBadValuesAsPicocliDoes() {
    QuickRun q = QuickRun.parse(new String[] {"-t", "-5", "run"}, ENV).orElseThrow();
    assertThatThrownBy(() -> ConnectionOptions.resolve(q.runOptions(), q))
        .isInstanceOf(UsageError.class)
        .hasMessageContaining("positive");
    assertThat(List.of(q.args())).containsExactly(List.of());
  }
}
