package dev.toxserver.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchHeaderTest {
  @Test
  void theTimeAlwaysHasSecondsEvenAtAWholeMinute() {
    RunQueue.Request start = new RunQueue.Request(RunQueue.Why.START, List.of(), Instant.now());
    assertThat(WatchCommand.header(start, false, LocalTime.of(9, 5, 0)))
        .isEqualTo("[RUN] 09:05:00 first run");
    assertThat(WatchCommand.header(start, false, LocalTime.of(23, 59, 7, 999_000_000)))
        .isEqualTo("[RUN] 23:59:07 first run");
  }

  @Test
  void aChangeNamesTheFilesAndColourIsBoldCyan() {
    RunQueue.Request change =
        new RunQueue.Request(RunQueue.Why.CHANGE, List.of(Path.of("app.py")), Instant.now());
    assertThat(WatchCommand.header(change, true, LocalTime.of(14, 3, 12)))
        .isEqualTo("\u001b[1;36m[RUN] 14:03:12 changed: app.py\u001b[0m");
  }
}
