package dev.toxserver.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toxserver.client.ServerAddress;
import dev.toxserver.support.CliProcess;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The runner's own failures: each ends its run with an outcome that says so, and the next runs. */
class RunLoopTest {
  private final RunScheduler scheduler =
      new RunScheduler(OnChange.QUEUE, OnManual.QUEUE, List.of(), RunListener.NONE);

  private static RunOutcome outcome(QueuedRun run) throws Exception {
    return run.ended().toCompletableFuture().get(0, TimeUnit.SECONDS);
  }

  @Test
  void aBugInTheExecutorEndsTheRunWithABridgeFaultAndTheNextRunRuns() throws Exception {
    ServerAddress nowhere = ServerAddress.plain("tcp://127.0.0.1:" + CliProcess.freePort());
    try (RunLoop loop = new RunLoop(scheduler, nowhere)) {
      QueuedRun broken = scheduler.manual(null);
      QueuedRun next = scheduler.manual(null);
      loop.runNext(
          (run, client) -> {
            throw new IllegalStateException("oops");
          });
      assertThat(outcome(broken).fault()).isEqualTo(RunOutcome.Fault.BRIDGE);
      assertThat(outcome(broken).error())
          .isEqualTo("Run 1 failed in the bridge: java.lang.IllegalStateException: oops");
      assertThat(outcome(broken).serverLost()).isFalse();
      loop.runNext((run, client) -> RunOutcome.ran(0, false, 1));
      assertThat(outcome(next).returncode()).isZero();
    }
  }

  @Test
  void anEndpointThatCannotBeUsedFailsEachRunAsUnreachable() throws Exception {
    ServerAddress broken = ServerAddress.plain("tcp://127.0.0.1:not-a-port");
    try (RunLoop loop = new RunLoop(scheduler, broken)) {
      assertThatThrownBy(loop::connect).isInstanceOf(IllegalArgumentException.class);
      QueuedRun run = scheduler.manual(null);
      assertThat(loop.runNext((r, client) -> RunOutcome.ran(0, false, 1))).isTrue();
      assertThat(outcome(run).fault()).isEqualTo(RunOutcome.Fault.UNREACHABLE);
      assertThat(outcome(run).error()).contains("Cannot connect to tcp://127.0.0.1:not-a-port");
      assertThat(outcome(run).returncode()).isNull();
    }
  }
}
