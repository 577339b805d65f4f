package dev.toxserver.cli;

import dev.toxserver.client.Cancellation;
import dev.toxserver.client.ClientListener;
import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.protocol.Stream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * One run shown in a terminal: the command's stdout and stderr are written to ours byte for byte as
 * they arrive, the first {@link #interrupt()} (^C) cancels the run on the server, a second one
 * exits at once, and a summary line can close the run.
 *
 * <p>{@link #execute} runs on the thread that owns the client; {@link #interrupt()} may come from
 * any thread (a signal handler).
 */
public final class TerminalRun {
  /** A run waiting behind another client's run this long is reported as queued. */
  static final Duration QUEUED_NOTICE_AFTER = Duration.ofSeconds(2);

  /** The request asks for heartbeats at least this often (half of it), to learn "queued" early. */
  static final Duration HEARTBEAT_WINDOW = QUEUED_NOTICE_AFTER.multipliedBy(2);

  /**
   * How a run is shown.
   *
   * @param program the program's name, prefixing its error messages
   * @param timeout how long the server may stay silent before the run is given up
   * @param summary whether to end with a {@code [DONE]}/{@code [FAIL]} line on stderr
   * @param color whether that line is coloured (stderr is a terminal, and NO_COLOR is not set)
   */
  public record Settings(String program, Duration timeout, boolean summary, boolean color) {}

  /**
   * How a run ended.
   *
   * @param exitCode what the process should exit with: the command's code, 128+N for signal N, 69
   *     unreachable, 77 authentication failed, 1 refused by the server, 130 cancelled before it
   *     started, or cancelled while running and the command exited 0 anyway
   * @param cancelled whether it was cancelled (^C here, or by anyone: the server says so) before it
   *     ended
   * @param serverLost whether the server could not be reached or refused this client's key (then
   *     {@code exitCode} is 69 or 77): the connection is of no more use
   */
  public record Outcome(int exitCode, boolean cancelled, boolean serverLost) {}

  private final ToxServerClient client;
  private final Settings settings;
  private final OutputStream out;
  private final OutputStream err;
  private final Runnable beforeForcedExit;
  private final AtomicInteger interrupts = new AtomicInteger();
  private final AtomicBoolean cancelled = new AtomicBoolean();

  /** This run's own: a cancel that comes too late can never reach the client's next run. */
  private final Cancellation cancellation = new Cancellation();

  private volatile boolean ended;

  /**
   * @param out where the command's stdout goes, unbuffered (e.g. {@code new
   *     FileOutputStream(FileDescriptor.out)})
   * @param err where its stderr and our messages go, unbuffered
   * @param beforeForcedExit what to do before a second interrupt halts the process (e.g. end an
   *     embedded server's runs)
   */
  public TerminalRun(
      ToxServerClient client,
      Settings settings,
      OutputStream out,
      OutputStream err,
      Runnable beforeForcedExit) {
    this.client = client;
    this.settings = settings;
    this.out = out;
    this.err = err;
    this.beforeForcedExit = beforeForcedExit;
  }

  /**
   * Runs the server's command with {@code args} appended in this process's own terminal: output on
   * its stdout and stderr (unbuffered), ^C (SIGINT) handled as {@link #interrupt()}. Returns the
   * exit code for the process.
   *
   * @param beforeForcedExit what to do before a second ^C halts the process
   */
  public static int inThisTerminal(
      ToxServerClient client, Settings settings, Runnable beforeForcedExit, List<String> args) {
    TerminalRun run =
        new TerminalRun(
            client,
            settings,
            new FileOutputStream(FileDescriptor.out),
            new FileOutputStream(FileDescriptor.err),
            beforeForcedExit);
    Signal.handle(new Signal("INT"), s -> run.interrupt());
    return run.execute(args).exitCode();
  }

  /**
   * ^C: the first cancels the run with the server (INTERRUPT for this client's run), the second
   * halts the process with exit code 130. Safe from any thread.
   */
  public void interrupt() {
    if (interrupts.incrementAndGet() == 1) {
      message("");
      message("Cancelling run with the server. ^C again to exit.");
      cancellation.cancel();
    } else {
      try {
        beforeForcedExit.run();
      } finally {
        Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
      }
    }
  }

  /**
   * Cancels the run for a reason other than ^C (e.g. files changed and it will be restarted),
   * saying why on stderr. Safe from any thread; a second call does nothing.
   */
  public void cancel(String why) {
    if (!ended && cancelled.compareAndSet(false, true)) { // once ended, there is nothing to say
      message(why);
      cancellation.cancel();
    }
  }

  private boolean wasCancelled() {
    return interrupts.get() > 0 || cancelled.get();
  }

  /** Runs the server's command with {@code args} appended and shows it; returns how it ended. */
  public Outcome execute(List<String> args) {
    long started = System.nanoTime();
    ClientListener listener =
        new ClientListener() {
          boolean toldQueued;

          @Override
          public void output(Stream stream, byte[] data, int offset, int length) {
            try {
              (stream == Stream.STDOUT ? out : err).write(data, offset, length);
            } catch (IOException e) {
              // Our own stdout is gone (e.g. a closed pipe): nothing left to show it on.
            }
          }

          @Override
          public void heartbeat(String state) {
            if (!toldQueued
                && "QUEUED".equals(state)
                && System.nanoTime() - started >= QUEUED_NOTICE_AFTER.toNanos() * 95 / 100) {
              toldQueued = true;
              message("Command RUN is queued");
            }
          }
        };
    Duration window =
        settings.timeout().compareTo(HEARTBEAT_WINDOW) < 0 ? settings.timeout() : HEARTBEAT_WINDOW;
    try {
      FinishedRun result;
      try {
        result = client.run(args, settings.timeout(), window, listener, cancellation);
      } finally {
        ended = true;
      }
      // Cancelled here (^C) or by anyone else (`bridge cancel`, the server stopping): the server
      // says so, and a cancelled run has not passed even if its command then exited 0.
      boolean cancelled = wasCancelled() || result.cancelled();
      int exit = result.shellExitCode();
      if (cancelled && exit == 0) {
        exit = ExitCodes.INTERRUPTED;
      }
      Outcome outcome = new Outcome(exit, cancelled, false);
      summary(outcome, result.returncode(), System.nanoTime() - started);
      return outcome;
    } catch (ServerUnreachableException | IllegalArgumentException e) {
      message(settings.program() + ": " + e.getMessage());
      return new Outcome(ExitCodes.of(e), wasCancelled(), true);
    } catch (ServerErrorException e) {
      if (wasCancelled()) {
        message("The run was cancelled before it started.");
        return new Outcome(ExitCodes.INTERRUPTED, true, false);
      }
      message(settings.program() + ": the server refused the run: " + e.getMessage());
      return new Outcome(ExitCodes.of(e), false, false);
    }
  }

  private void summary(Outcome outcome, int returncode, long nanos) {
    if (!settings.summary()) {
      return;
    }
    long tenths = (nanos + 50_000_000) / 100_000_000;
    String time = tenths / 10 + "." + tenths % 10 + " s"; // not String.format: ~10 ms at start-up
    String code = returncode < 0 ? "signal " + -returncode : "exit " + returncode;
    String line;
    String color;
    if (outcome.cancelled()) {
      line = "[CANCELLED] cancelled (" + code + ") in " + time;
      color = "\u001b[33m";
    } else if (outcome.exitCode() == 0) {
      line = "[DONE] passed in " + time;
      color = "\u001b[32m";
    } else {
      line = "[FAIL] failed (" + code + ") in " + time;
      color = "\u001b[31m";
    }
    message(settings.color() ? color + line + "\u001b[0m" : line);
  }

  private void message(String line) {
    try {
      err.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      err.flush();
    } catch (IOException e) {
      // stderr is gone: nowhere left to say it.
    }
  }
}
