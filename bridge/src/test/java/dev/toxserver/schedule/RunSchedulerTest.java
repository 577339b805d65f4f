package dev.toxserver.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.client.ServerAddress;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.support.CliProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scheduler's rules as one table: change policy × state × trigger, and what happens. Driven
 * synchronously on the test's thread: the "running" state is the inside of the executor's call,
 * where the trigger is applied. The clients are real (to a port nobody listens on): the table shows
 * which connection each run gets.
 */
class RunSchedulerTest {
  /** What is going on when the trigger comes. */
  enum QueueState {
    /** Nothing waits or runs. */
    IDLE,
    /** Run 1 (a.py changed) waits; nothing runs. */
    WAITING,
    /** Run 1 (a.py changed) runs on client 1. */
    RUNNING
  }

  /** What happens. */
  enum Event {
    /** b.py changed. */
    CHANGE,
    /** A manual run under {@link OnManual#RESTART} (the terminal's Enter). */
    MANUAL_RESTART,
    /** A manual run with args [own] under {@link OnManual#QUEUE} (the editor's run). */
    MANUAL_QUEUE,
    /** Cancel run 1 (when idle: the run in flight, of which there is none). */
    CANCEL,
    /** The server goes away: the run in flight loses it; else someone else notices. */
    SERVER_LOST
  }

  private static final List<String> DEFAULT = List.of("default");

  private final List<String> log = new ArrayList<>();
  private final Map<ToxServerClient, Integer> clients = new IdentityHashMap<>();
  private ServerAddress nowhere;

  @BeforeEach
  void address() throws Exception {
    nowhere = ServerAddress.plain("tcp://127.0.0.1:" + CliProcess.freePort());
  }

  static Stream<Arguments> table() {
    List<Arguments> rows = new ArrayList<>();
    for (OnChange policy : OnChange.values()) {
      // Idle: whatever comes first simply runs; the policy has nothing to decide.
      rows.add(
          row(policy, QueueState.IDLE, Event.CHANGE, "queued 1; start 1 CHANGE [b.py]; end 1", 1));
      rows.add(
          row(policy, QueueState.IDLE, Event.MANUAL_RESTART, "queued 1; start 1 MANUAL; end 1", 1));
      rows.add(
          row(
              policy,
              QueueState.IDLE,
              Event.MANUAL_QUEUE,
              "queued 1; start 1 MANUAL [own]; end 1",
              1));
      rows.add(row(policy, QueueState.IDLE, Event.CANCEL, "cancel: false", 1));
      rows.add(row(policy, QueueState.IDLE, Event.SERVER_LOST, "", 2));

      // Waiting: nothing runs, so nothing is cancelled; requests join the run that waits.
      rows.add(
          row(policy, QueueState.WAITING, Event.CHANGE, "start 1 CHANGE [a.py, b.py]; end 1", 1));
      rows.add(
          row(policy, QueueState.WAITING, Event.MANUAL_RESTART, "start 1 MANUAL [a.py]; end 1", 1));
      rows.add(
          row(
              policy,
              QueueState.WAITING,
              Event.MANUAL_QUEUE,
              "queued 2; start 1 CHANGE [a.py]; end 1; start 2 MANUAL [own]; end 2",
              1));
      rows.add(row(policy, QueueState.WAITING, Event.CANCEL, "end 1 cancelled; cancel: true", 1));
      rows.add(
          row(
              policy,
              QueueState.WAITING,
              Event.SERVER_LOST,
              "start 1 CHANGE [a.py] on client 2; end 1",
              2));

      // Running: the policy decides about changes; the manual policy about manual runs.
      rows.add(
          row(
              policy,
              QueueState.RUNNING,
              Event.CHANGE,
              switch (policy) {
                case RESTART ->
                    "queued 2; cancel 1: Files changed (b.py): restarting.; end 1 cancelled;"
                        + " start 2 CHANGE [b.py]; end 2";
                case QUEUE -> "queued 2; end 1; start 2 CHANGE [b.py]; end 2";
                case IGNORE -> "end 1";
              },
              1));
      rows.add(
          row(
              policy,
              QueueState.RUNNING,
              Event.MANUAL_RESTART,
              "queued 2; cancel 1: Rerun requested: cancelling this run first.; end 1 cancelled;"
                  + " start 2 MANUAL; end 2",
              1));
      rows.add(
          row(
              policy,
              QueueState.RUNNING,
              Event.MANUAL_QUEUE,
              "queued 2; end 1; start 2 MANUAL [own]; end 2",
              1));
      rows.add(
          row(
              policy,
              QueueState.RUNNING,
              Event.CANCEL,
              "cancel 1: Cancelled.; cancel: true; end 1 cancelled",
              1));
      rows.add(row(policy, QueueState.RUNNING, Event.SERVER_LOST, "end 1 server lost", 2));
    }
    return rows.stream();
  }

  private static Arguments row(
      OnChange policy, QueueState state, Event event, String then, int nextRunsClient) {
    return Arguments.of(policy, state, event, then, nextRunsClient);
  }

  /**
   * @param then what follows the event, "; "-separated: "queued N" (a new run), "start N TRIGGER
   *     [files or own args]" (on client 1 unless said), "cancel N: why" (the run in flight is
   *     told), "cancel: result" (of the cancel request), "end N" (the run ended, and how)
   * @param nextRunsClient the client of the next run after all that (a change to z.py): 2 when the
   *     first was replaced
   */
  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("table")
  void policyStateAndEvent(
      OnChange policy, QueueState state, Event event, String then, int nextRunsClient) {
    OnManual manual = event == Event.MANUAL_QUEUE ? OnManual.QUEUE : OnManual.RESTART;
    RunScheduler scheduler = new RunScheduler(policy, manual, DEFAULT, recorder());
    try (RunLoop loop = new RunLoop(scheduler, nowhere)) {
      loop.connect();
      clients.put(loop.client(), 1);
      Runnable trigger = () -> apply(event, state, scheduler, loop);
      if (state != QueueState.IDLE) {
        scheduler.changed(List.of(Path.of("a.py")));
      }
      log.clear(); // what follows is the event's consequence
      if (state == QueueState.RUNNING) {
        loop.runNext(executor(trigger, event == Event.SERVER_LOST));
      } else {
        trigger.run();
      }
      while (loop.runNext(executor(null, false))) {}
      assertThat(String.join("; ", log)).isEqualTo(then);

      log.clear();
      scheduler.changed(List.of(Path.of("z.py")));
      while (loop.runNext(executor(null, false))) {}
      assertThat(log).filteredOn(e -> e.startsWith("start")).hasSize(1);
      String start = log.stream().filter(e -> e.startsWith("start")).findFirst().orElseThrow();
      assertThat(start)
          .endsWith(nextRunsClient == 1 ? "[z.py]" : "[z.py] on client " + nextRunsClient);
    }
  }

  private void apply(Event event, QueueState state, RunScheduler scheduler, RunLoop loop) {
    switch (event) {
      case CHANGE -> scheduler.changed(List.of(Path.of("b.py")));
      case MANUAL_RESTART -> scheduler.manual(null);
      case MANUAL_QUEUE -> scheduler.manual(List.of("own"));
      case CANCEL -> log.add("cancel: " + scheduler.cancel(state == QueueState.IDLE ? null : 1));
      case SERVER_LOST -> {
        if (state != QueueState.RUNNING) {
          loop.serverLost(); // the run in flight, if any, says so by its outcome
        }
      }
    }
  }

  private RunListener recorder() {
    return new RunListener() {
      @Override
      public void queued(QueuedRun run) {
        log.add("queued " + run.id());
      }

      @Override
      public void finished(QueuedRun run, RunOutcome outcome) {
        log.add(
            "end "
                + run.id()
                + (outcome.cancelled() ? " cancelled" : "")
                + (outcome.serverLost() ? " server lost" : ""));
      }
    };
  }

  /**
   * Logs each run it starts, or, given a {@code trigger} (setting up state RUNNING), applies that
   * while the run is in flight and ends the run as having lost its server if {@code loseServer}.
   */
  private RunExecutor executor(Runnable trigger, boolean loseServer) {
    return (run, client) -> {
      int n = clients.computeIfAbsent(client, c -> clients.size() + 1);
      run.onCancel(why -> log.add("cancel " + run.id() + ": " + why));
      if (trigger != null) {
        trigger.run();
      } else {
        String files = run.files().isEmpty() ? "" : " " + run.files();
        String args = run.args().equals(DEFAULT) ? "" : " " + run.args();
        String on = n == 1 ? "" : " on client " + n;
        log.add("start " + run.id() + " " + run.trigger() + files + args + on);
      }
      return loseServer
          ? RunOutcome.failed(RunOutcome.Fault.UNREACHABLE, "lost", run.cancelled(), 0)
          : RunOutcome.ran(0, run.cancelled(), 0);
    };
  }
}
