package dev.toxserver.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.schedule.Trigger;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchHeaderTest {
  @Test
  void theTimeAlwaysHasSecondsEvenAtAWholeMinute() {
    assertThat(TerminalRunner.header(Trigger.START, List.of(), false, LocalTime.of(9, 5, 0)))
        .isEqualTo("[RUN] 09:05:00 first run");
    assertThat(
            TerminalRunner.header(
                Trigger.START, List.of(), false, LocalTime.of(23, 59, 7, 999_000_000)))
        .isEqualTo("[RUN] 23:59:07 first run");
  }

  @Test
  void aChangeNamesTheFilesAndColourIsBoldCyan() {
    assertThat(
            TerminalRunner.header(
                Trigger.CHANGE, List.of(Path.of("app.py")), true, LocalTime.of(14, 3, 12)))
        .isEqualTo("\u001b[1;36m[RUN] 14:03:12 changed: app.py\u001b[0m");
  }
}
