package dev.toxserver.bridge;

import dev.toxserver.cli.ExitCodes;
import dev.toxserver.cli.TerminalRun;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.schedule.ChangeList;
import dev.toxserver.schedule.QueuedRun;
import dev.toxserver.schedule.RunExecutor;
import dev.toxserver.schedule.RunOutcome;
import dev.toxserver.schedule.Trigger;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * How {@code bridge watch} shows a run: the screen cleared if asked, a {@code [RUN] hh:mm:ss why}
 * line, then the run itself as a {@link TerminalRun} (live output, summary line), which a restart
 * cancels and ^C interrupts.
 */
final class TerminalRunner implements RunExecutor {
  /** Always hh:mm:ss: {@code LocalTime.toString()} leaves out the seconds at a whole minute. */
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final TerminalRun.Settings settings;
  private final OutputStream out;
  private final OutputStream err;
  private final boolean clear;
  private final Runnable beforeForcedExit;
  private volatile TerminalRun current;

  /**
   * @param clear whether to clear the screen before each run
   * @param beforeForcedExit what to do before a second ^C halts the process
   */
  TerminalRunner(
      TerminalRun.Settings settings,
      OutputStream out,
      OutputStream err,
      boolean clear,
      Runnable beforeForcedExit) {
    this.settings = settings;
    this.out = out;
    this.err = err;
    this.clear = clear;
    this.beforeForcedExit = beforeForcedExit;
  }

  @Override
  public RunOutcome execute(QueuedRun run, ToxServerClient client) {
    long start = System.nanoTime();
    TerminalRun shown = new TerminalRun(client, settings, out, err, beforeForcedExit);
    current = shown;
    try {
      run.onCancel(shown::cancel);
      if (clear) {
        Terminal.write(err, "\u001b[H\u001b[2J\u001b[3J");
      }
      Terminal.say(err, header(run.trigger(), run.files(), settings.color(), LocalTime.now()));
      TerminalRun.Outcome o = shown.execute(run.args());
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (!o.serverLost()) {
        return RunOutcome.ran(o.exitCode(), o.cancelled(), ms); // as a shell reports it
      }
      RunOutcome.Fault fault =
          o.exitCode() == ExitCodes.AUTH
              ? RunOutcome.Fault.AUTH_FAILED
              : RunOutcome.Fault.UNREACHABLE;
      return RunOutcome.failed(fault, null, o.cancelled(), ms);
    } finally {
      current = null;
    }
  }

  /** ^C: interrupts the run in flight (a second one exits); false when nothing runs. */
  boolean interrupt() {
    TerminalRun run = current;
    if (run == null) {
      return false;
    }
    run.interrupt();
    return true;
  }

  /** The line that opens a run: {@code [RUN] 14:03:12 changed: app.py}, bold cyan in colour. */
  static String header(Trigger trigger, List<Path> files, boolean color, LocalTime now) {
    String why =
        switch (trigger) {
          case START -> "first run";
          case MANUAL -> "rerun requested";
          case CHANGE -> "changed: " + ChangeList.describe(files);
        };
    String line = "[RUN] " + now.format(TIME) + " " + why;
    return color ? "\u001b[1;36m" + line + "\u001b[0m" : line;
  }
}
