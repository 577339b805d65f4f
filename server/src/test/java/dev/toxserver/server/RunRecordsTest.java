package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.process.ProcessTree;
import dev.toxserver.support.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep's rules on records written by hand: what it must end, and what it must never touch (a
 * pid handed to another process since, a live server's run, a process no tox-server started).
 * Records that forge a run are in {@link RunRecordsForgeryTest}.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunRecordsTest {
  static final Duration GRACE = Duration.ofSeconds(2);
  static final Duration T = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final List<Long> started = new ArrayList<>();

  /** Every process this test started, and the pids its shells wrote: SIGKILL, whatever happened. */
  @AfterEach
  void cleanUp() {
    for (long pid : started) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  Path state() {
    return dir.resolve("state-home");
  }

  RunRecords open() throws Exception {
    return RunRecords.open(dir, state());
  }

  /** {@code setsid sleep 1000} with {@code env}: a process in a session of its own, as runs are. */
  Process sessionLeader(Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("setsid", "sleep", "1000");
    pb.environment().remove(RunToken.VARIABLE);
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p.pid());
    Await.until(() -> ProcessTree.session(p.pid()).size() == 1, T, "setsid");
    return p;
  }

  /** The pid of a process that has ended, with the start time it had. */
  static long[] deadServer() throws Exception {
    Process p = new ProcessBuilder("sleep", "1000").start();
    long start = ProcessTree.startTime(p.pid()).orElseThrow();
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
    return new long[] {p.pid(), start};
  }

  /** A record with every field, as a server writes it, for pid {@code pid} in this boot. */
  static String record(
      long pid, long start, long serverPid, long serverStart, String pidNs, String tokenSha256)
      throws Exception {
    String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
    return String.format(
        "{\"pid\": %d, \"start\": %d, \"server_pid\": %d, \"server_start\": %d, \"boot_id\": \"%s\","
            + " \"pid_ns\": \"%s\", \"token_sha256\": \"%s\", \"argv\": [\"sleep\", \"1000\"]}%n",
        pid, start, serverPid, serverStart, boot, pidNs, tokenSha256);
  }

  static String pidNamespace() throws Exception {
    return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
  }

  /** The record of a run of a server that is gone, whose token is {@code killed}'s. */
  static String recordOfDeadServer(long pid, RunRecords killed) throws Exception {
    long[] server = deadServer();
    return record(
        pid,
        ProcessTree.startTime(pid).orElseThrow(),
        server[0],
        server[1],
        pidNamespace(),
        killed.tokenSha256());
  }

  Path put(RunRecords records, long pid, String json) throws Exception {
    Path file = records.dir().resolve(pid + ".json");
    Files.writeString(file, json, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void theRunOfAServerThatIsGoneIsEndedAndItsRecordRemoved() throws Exception {
    RunRecords killed = open();
    Process leader = sessionLeader(killed.runEnvironment());
    Path file = put(killed, leader.pid(), recordOfDeadServer(leader.pid(), killed));
    RunRecords.Sweep sweep = open().sweep(GRACE);
    assertThat(sweep.pids()).containsExactly(leader.pid());
    assertThat(leader.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(file).doesNotExist();
  }

  @Test
  void withTheLeaderGoneOnlyTheMembersThatCarryTheTokenAreEnded() throws Exception {
    RunRecords killed = open();
    Path ours = dir.resolve("ours.pid");
    Path stranger = dir.resolve("stranger.pid");
    ProcessBuilder pb =
        new ProcessBuilder(
            "setsid",
            "sh",
            "-c",
            "sleep 1000 & echo $! > \"$1\"; env -u "
                + RunToken.VARIABLE
                + " sleep 1000 & echo $! > \"$2\"; read go",
            "sh",
            ours.toString(),
            stranger.toString());
    pb.environment().putAll(killed.runEnvironment());
    Process leader = pb.start();
    started.add(leader.pid());
    long member = Await.pidIn(ours, T);
    long other = Await.pidIn(stranger, T);
    started.add(member);
    started.add(other);
    String json = recordOfDeadServer(leader.pid(), killed);
    leader.getOutputStream().close(); // the leader reads end of file and exits
    assertThat(leader.waitFor(10, TimeUnit.SECONDS)).isTrue();
    put(killed, leader.pid(), json);

    RunRecords.Sweep sweep = open().sweep(GRACE);

    assertThat(sweep.pids()).containsExactly(member);
    Await.until(() -> !Await.running(member), T, "the member with the token to end");
    assertThat(Await.running(other)).isTrue();
    assertThat(sweep.refusals()).singleElement().asString().contains("[" + other + "]");
  }

  @Test
  void aPidThatNowBelongsToAnotherProcessIsNotTouched() throws Exception {
    RunRecords killed = open();
    Process leader = sessionLeader(killed.runEnvironment());
    long[] server = deadServer();
    long otherStart = ProcessTree.startTime(leader.pid()).orElseThrow() - 1;
    Path file =
        put(
            killed,
            leader.pid(),
            record(
                leader.pid(),
                otherStart,
                server[0],
                server[1],
                pidNamespace(),
                killed.tokenSha256()));
    RunRecords.Sweep sweep = open().sweep(GRACE);
    assertThat(sweep.pids()).isEmpty();
    assertThat(leader.isAlive()).isTrue();
    assertThat(file).doesNotExist();
  }

  @Test
  void aRecordFromAnotherPidNamespaceTouchesNothingHere() throws Exception {
    // A restarted container numbers its processes anew: the recorded pid and session are someone
    // else's here, even when the start time happens to match.
    RunRecords killed = open();
    Process leader = sessionLeader(killed.runEnvironment());
    long[] server = deadServer();
    Path file =
        put(
            killed,
            leader.pid(),
            record(
                leader.pid(),
                ProcessTree.startTime(leader.pid()).orElseThrow(),
                server[0],
                server[1],
                "pid:[1]",
                killed.tokenSha256()));
    RunRecords.Sweep sweep = open().sweep(GRACE);
    assertThat(sweep.pids()).isEmpty();
    assertThat(leader.isAlive()).isTrue();
    assertThat(file).doesNotExist();
  }

  @Test
  void theRunOfAServerThatStillRunsIsLeftAloneWithItsRecord() throws Exception {
    RunRecords records = open();
    Process leader = sessionLeader(records.runEnvironment());
    records.add(leader.pid(), List.of("sleep", "1000"));
    Path file = records.dir().resolve(leader.pid() + ".json");
    assertThat(file).exists();
    RunRecords.Sweep sweep = open().sweep(GRACE);
    assertThat(sweep.leftAlone()).hasSize(1);
    assertThat(sweep.pids()).isEmpty();
    assertThat(leader.isAlive()).isTrue();
    assertThat(file).exists();
  }

  @Test
  void anUnreadableRecordIsRemoved() throws Exception {
    RunRecords records = open();
    Path file = records.dir().resolve("123.json");
    Files.writeString(file, "{\"pid\": ");
    RunRecords.Sweep sweep = records.sweep(GRACE);
    assertThat(sweep.pids()).isEmpty();
    assertThat(sweep.refusals()).singleElement().asString().contains("not JSON");
    assertThat(file).doesNotExist();
  }
}
