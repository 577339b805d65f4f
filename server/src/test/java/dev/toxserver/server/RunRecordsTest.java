package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.keys.StateDir;
import dev.toxserver.process.ProcessTree;
import dev.toxserver.support.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep's rules on records written by hand: what it must end, and what it must never touch (a
 * pid handed to another process since, a live server's run).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunRecordsTest {
  private static final Duration GRACE = Duration.ofSeconds(2);

  @TempDir Path dir;
  private Process sleeper;

  @AfterEach
  void cleanUp() {
    if (sleeper != null) {
      sleeper.destroyForcibly();
    }
  }

  /** A process in a session of its own, as runs are. */
  private Process sessionLeader() throws Exception {
    sleeper = new ProcessBuilder("setsid", "sleep", "1000").start();
    Await.until(
        () -> ProcessTree.session(sleeper.pid()).size() == 1, Duration.ofSeconds(10), "setsid");
    return sleeper;
  }

  /** The pid of a process that has ended, with the start time it had. */
  private static long[] deadServer() throws Exception {
    Process p = new ProcessBuilder("sleep", "1000").start();
    long start = ProcessTree.startTime(p.pid()).orElseThrow();
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
    return new long[] {p.pid(), start};
  }

  private Path write(long pid, long start, long serverPid, long serverStart) throws Exception {
    RunRecords records = RunRecords.open(dir);
    Path file = records.dir().resolve(pid + ".json");
    Files.writeString(
        file,
        String.format(
            "{\"pid\": %d, \"start\": %d, \"server_pid\": %d, \"server_start\": %d,"
                + " \"argv\": [\"sleep\", \"1000\"]}%n",
            pid, start, serverPid, serverStart));
    return file;
  }

  @Test
  void theRunOfAServerThatIsGoneIsEndedAndItsRecordRemoved() throws Exception {
    Process leader = sessionLeader();
    long[] server = deadServer();
    Path file =
        write(
            leader.pid(), ProcessTree.startTime(leader.pid()).orElseThrow(), server[0], server[1]);
    RunRecords.Sweep sweep = RunRecords.open(dir).sweep(GRACE);
    assertThat(sweep.pids()).containsExactly(leader.pid());
    assertThat(leader.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(file).doesNotExist();
  }

  @Test
  void aPidThatNowBelongsToAnotherProcessIsNotTouched() throws Exception {
    Process leader = sessionLeader();
    long[] server = deadServer();
    long otherStart = ProcessTree.startTime(leader.pid()).orElseThrow() - 1;
    Path file = write(leader.pid(), otherStart, server[0], server[1]);
    RunRecords.Sweep sweep = RunRecords.open(dir).sweep(GRACE);
    assertThat(sweep.pids()).isEmpty();
    assertThat(leader.isAlive()).isTrue();
    assertThat(file).doesNotExist();
  }

  @Test
  void aRecordFromAnotherPidNamespaceTouchesNothingHere() throws Exception {
    // A restarted container numbers its processes anew: the recorded pid and session are someone
    // else's here, even when the start time happens to match.
    Process leader = sessionLeader();
    long[] server = deadServer();
    RunRecords records = RunRecords.open(dir);
    Path file = records.dir().resolve(leader.pid() + ".json");
    Files.writeString(
        file,
        String.format(
            "{\"pid\": %d, \"start\": %d, \"server_pid\": %d, \"server_start\": %d,"
                + " \"pid_ns\": \"pid:[1]\", \"argv\": [\"sleep\", \"1000\"]}%n",
            leader.pid(), ProcessTree.startTime(leader.pid()).orElseThrow(), server[0], server[1]));
    RunRecords.Sweep sweep = records.sweep(GRACE);
    assertThat(sweep.pids()).isEmpty();
    assertThat(leader.isAlive()).isTrue();
    assertThat(file).doesNotExist();
  }

  @Test
  void theRunOfAServerThatStillRunsIsLeftAloneWithItsRecord() throws Exception {
    Process leader = sessionLeader();
    long self = ProcessHandle.current().pid();
    Path file =
        write(
            leader.pid(),
            ProcessTree.startTime(leader.pid()).orElseThrow(),
            self,
            ProcessTree.startTime(self).orElseThrow());
    RunRecords.Sweep sweep = RunRecords.open(dir).sweep(GRACE);
    assertThat(sweep.leftAlone()).hasSize(1);
    assertThat(sweep.pids()).isEmpty();
    assertThat(leader.isAlive()).isTrue();
    assertThat(file).exists();
  }

  @Test
  void anUnreadableRecordIsRemoved() throws Exception {
    RunRecords records = RunRecords.open(dir);
    Path file = records.dir().resolve("123.json");
    Files.writeString(file, "{\"pid\": ");
    assertThat(records.sweep(GRACE).pids()).isEmpty();
    assertThat(file).doesNotExist();
    assertThat(dir.resolve(StateDir.NAME).resolve(".gitignore")).exists();
  }
}
