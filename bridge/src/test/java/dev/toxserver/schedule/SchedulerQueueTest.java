package dev.toxserver.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The queue's details beyond the policy table: how requests merge, run ids, what cancel and close
 * do to each run, and what the listener and a run's {@code ended()} say. All synchronous.
 */
class SchedulerQueueTest {
  private final List<String> reports = new ArrayList<>();

  private RunScheduler scheduler(OnChange onChange, OnManual onManual) {
    return new RunScheduler(
        onChange,
        onManual,
        List.of("-e", "py"),
        new RunListener() {
          @Override
          public void queued(QueuedRun run) {
            reports.add("queued " + run.id() + " " + run.trigger() + " " + run.files());
          }

          @Override
          public void finished(QueuedRun run, RunOutcome outcome) {
            reports.add("finished " + run.id() + (outcome.cancelled() ? " cancelled" : ""));
          }
        });
  }

  private static List<Path> files(String... names) {
    return java.util.Arrays.stream(names).map(Path::of).toList();
  }

  @Test
  void aBurstOfChangesWhileARunWaitsIsOneRunNamingEveryFileOnce() {
    RunScheduler s = scheduler(OnChange.RESTART, OnManual.RESTART);
    QueuedRun run = s.changed(files("b.py"));
    assertThat(s.changed(files("a.py", "b.py"))).isSameAs(run);
    assertThat(s.changed(files("c.py"))).isSameAs(run);
    assertThat(run.files()).containsExactly(Path.of("a.py"), Path.of("b.py"), Path.of("c.py"));
    assertThat(run.trigger()).isEqualTo(Trigger.CHANGE);
    assertThat(run.args()).containsExactly("-e", "py");
    assertThat(reports).containsExactly("queued 1 CHANGE [b.py]"); // announced once
  }

  @Test
  void inTheTerminalEverythingThatWaitsIsOneRunAskedForByHandIfAnyPartWas() {
    RunScheduler s = scheduler(OnChange.RESTART, OnManual.RESTART);
    QueuedRun first = s.first();
    assertThat(first.trigger()).isEqualTo(Trigger.START);
    assertThat(s.changed(files("a.py"))).isSameAs(first);
    assertThat(first.trigger()).isEqualTo(Trigger.CHANGE); // it names files now
    assertThat(s.manual(null)).isSameAs(first);
    assertThat(s.changed(files("b.py"))).isSameAs(first);
    assertThat(first.trigger()).isEqualTo(Trigger.MANUAL);
    assertThat(first.files()).containsExactly(Path.of("a.py"), Path.of("b.py"));
  }

  @Test
  void anEditorsRunWaitsOnItsOwnAndChangesJoinTheLastAutomaticRunThatWaits() {
    RunScheduler s = scheduler(OnChange.RESTART, OnManual.QUEUE);
    QueuedRun manual = s.manual(List.of("-k", "login"));
    QueuedRun change = s.changed(files("a.py"));
    QueuedRun defaults = s.manual(null);
    assertThat(change).isNotSameAs(manual);
    assertThat(s.changed(files("b.py"))).isSameAs(change);
    assertThat(manual.args()).containsExactly("-k", "login");
    assertThat(manual.files()).isEmpty();
    assertThat(defaults.args()).containsExactly("-e", "py");
    assertThat(List.of(manual.id(), change.id(), defaults.id())).containsExactly(1, 2, 3);
    assertThat(s.take()).isSameAs(manual);
    s.finished(manual, RunOutcome.ran(0, false, 5));
    assertThat(s.take()).isSameAs(change);
    assertThat(s.runningOrNext()).isSameAs(change);
    assertThat(change.phase()).isEqualTo(QueuedRun.Phase.RUNNING);
  }

  @Test
  void withAutomaticRunsOffChangesAreDroppedAndManualRunsStillQueue() {
    RunScheduler s = scheduler(OnChange.QUEUE, OnManual.QUEUE);
    s.setAutoRun(false);
    assertThat(s.autoRun()).isFalse();
    assertThat(s.changed(files("a.py"))).isNull();
    assertThat(s.manual(null)).isNotNull();
    s.setAutoRun(true);
    assertThat(s.changed(files("a.py")).id()).isEqualTo(2);
  }

  @Test
  void cancelWithoutAnIdMeansTheRunInFlightAndAnUnknownOrEndedRunIsNotCancelled() {
    RunScheduler s = scheduler(OnChange.QUEUE, OnManual.QUEUE);
    QueuedRun waiting = s.manual(null);
    assertThat(s.cancel((Integer) null)).isFalse(); // nothing runs
    assertThat(s.cancel(99)).isFalse();
    assertThat(s.take()).isSameAs(waiting);
    assertThat(s.cancel((Integer) null)).isTrue();
    assertThat(s.cancel(waiting)).as("cancelled already").isFalse();
    assertThat(waiting.cancelled()).isTrue();
    s.finished(waiting, RunOutcome.ran(-15, true, 5));
    assertThat(s.cancel(waiting.id())).isFalse();
  }

  @Test
  void aRunCancelledBeforeItsExecutorListensIsToldWhenItDoes() {
    RunScheduler s = scheduler(OnChange.RESTART, OnManual.RESTART);
    s.changed(files("a.py"));
    QueuedRun run = s.take();
    s.changed(files("b.py")); // restarts it
    List<String> told = new ArrayList<>();
    run.onCancel(told::add);
    assertThat(told).containsExactly("Files changed (b.py): restarting.");
  }

  @Test
  void aRunEndsAfterItsFinishedReportWithItsOutcome() throws Exception {
    RunScheduler s = scheduler(OnChange.RESTART, OnManual.QUEUE);
    QueuedRun run = s.manual(null);
    List<String> seen = new ArrayList<>();
    var ended =
        run.ended().thenApply(o -> seen.add(reports.get(reports.size() - 1))).toCompletableFuture();
    RunOutcome outcome = RunOutcome.ran(3, false, 12);
    s.finished(s.take(), outcome);
    assertThat(ended.get(0, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).containsExactly("finished 1");
    assertThat(run.ended().toCompletableFuture().get(0, TimeUnit.SECONDS)).isEqualTo(outcome);
    assertThat(run.phase()).isEqualTo(QueuedRun.Phase.ENDED);
  }

  @Test
  void closingEndsWhatWaitsCancelsWhatRunsAndTakesNothingMore() throws Exception {
    RunScheduler s = scheduler(OnChange.QUEUE, OnManual.QUEUE);
    QueuedRun running = s.manual(null);
    QueuedRun waiting = s.manual(null);
    s.take();
    List<String> told = new ArrayList<>();
    running.onCancel(told::add);
    s.close("Quitting: cancelling the run in flight.");
    assertThat(told).containsExactly("Quitting: cancelling the run in flight.");
    assertThat(waiting.ended().toCompletableFuture().get(0, TimeUnit.SECONDS).cancelled()).isTrue();
    assertThat(s.changed(files("a.py"))).isNull();
    QueuedRun late = s.manual(null);
    assertThat(late.ended().toCompletableFuture().get(0, TimeUnit.SECONDS).cancelled()).isTrue();
    s.finished(running, RunOutcome.ran(-15, true, 5));
    assertThat(s.next()).isNull();
    assertThat(reports)
        .containsExactly(
            "queued 1 MANUAL []",
            "queued 2 MANUAL []",
            "finished 2 cancelled",
            "queued 3 MANUAL []",
            "finished 3 cancelled",
            "finished 1 cancelled");
  }

  @Test
  void runsGoOneAtATime() {
    RunScheduler s = scheduler(OnChange.QUEUE, OnManual.QUEUE);
    s.manual(null);
    s.manual(null);
    QueuedRun first = s.take();
    assertThatThrownBy(s::take).isInstanceOf(IllegalStateException.class);
    s.finished(first, RunOutcome.ran(0, false, 1));
    assertThat(s.take().id()).isEqualTo(2);
  }

  @Test
  @Timeout(30)
  void aRunnerWaitingForTheNextRunWakesWhenOneIsQueuedAndWhenClosed() throws Exception {
    RunScheduler s = scheduler(OnChange.QUEUE, OnManual.QUEUE);
    List<Integer> taken = new ArrayList<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                for (QueuedRun r; (r = s.next()) != null; ) {
                  synchronized (taken) {
                    taken.add(r.id());
                  }
                  s.finished(r, RunOutcome.ran(0, false, 1));
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    runner.start();
    QueuedRun run = s.manual(null);
    run.ended().toCompletableFuture().get(20, TimeUnit.SECONDS);
    s.close("done");
    runner.join(20_000);
    assertThat(runner.isAlive()).isFalse();
    synchronized (taken) {
      assertThat(taken).containsExactly(1);
    }
  }
}
