package dev.toxserver.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toxserver.cli.UsageError;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one command-line parser of the four benchmarks. */
@Timeout(10)
class ArgumentsTest {
  private static Arguments parse(String... args) {
    return Arguments.parse(args, Set.of("--quick"), Set.of("--files", "--jvm-option"));
  }

  @Test
  void flagsAndValuesInAnyOrderTheLastValueWinsAndRepeatsAreKept() {
    Arguments a =
        parse(
            "--jvm-option",
            "-Xmx1g",
            "--files",
            "10",
            "--quick",
            "--files",
            "20",
            "--jvm-option",
            "-Xss1m");
    assertThat(a.flag("--quick")).isTrue();
    assertThat(a.intNumber("--files", 5)).isEqualTo(20);
    assertThat(a.values("--jvm-option")).containsExactly("-Xmx1g", "-Xss1m");
    assertThat(a.help()).isFalse();
  }

  @Test
  void whatWasNotGivenFallsBack() {
    Arguments a = parse();
    assertThat(a.flag("--quick")).isFalse();
    assertThat(a.number("--files", 50_000)).isEqualTo(50_000);
    assertThat(a.value("--files")).isEmpty();
    assertThat(a.values("--jvm-option")).isEmpty();
  }

  @Test
  void helpIsAskedForWithEitherSpelling() {
    assertThat(parse("-h").help()).isTrue();
    assertThat(parse("--quick", "--help").help()).isTrue();
  }

  @Test
  void aBadCommandLineIsAUsageErrorSayingWhatIsWrong() {
    assertThatThrownBy(() -> parse("--fast"))
        .isInstanceOf(UsageError.class)
        .hasMessage("unknown option --fast");
    assertThatThrownBy(() -> parse("--files"))
        .isInstanceOf(UsageError.class)
        .hasMessage("--files needs a value");
    assertThatThrownBy(() -> parse("--files", "many").number("--files", 1))
        .isInstanceOf(UsageError.class)
        .hasMessage("--files needs a number, not 'many'");
    assertThatThrownBy(() -> parse("--files", "9999999999").intNumber("--files", 1))
        .isInstanceOf(UsageError.class)
        .hasMessage("--files is too large: 9999999999");
  }
}
