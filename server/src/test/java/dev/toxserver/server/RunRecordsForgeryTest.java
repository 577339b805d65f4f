package dev.toxserver.server;

import static dev.toxserver.server.RunRecordsTest.GRACE;
import static dev.toxserver.server.RunRecordsTest.T;
import static dev.toxserver.server.RunRecordsTest.deadServer;
import static dev.toxserver.server.RunRecordsTest.pidNamespace;
import static dev.toxserver.server.RunRecordsTest.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toxserver.process.ProcessTree;
import dev.toxserver.support.Await;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records planted to make a starting server kill what it never started: each names a bystander, a
 * {@code setsid sleep} this test starts (and always kills), which must survive the sweep.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunRecordsForgeryTest {
  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    started.forEach(Process::destroyForcibly);
  }

  private RunRecords open() throws Exception {
    return RunRecords.open(dir, dir.resolve("state-home"));
  }

  /** A process no tox-server started, leading a session of its own as runs do. */
  private long bystander() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("setsid", "sleep", "1000");
    pb.environment().remove(RunToken.VARIABLE);
    Process p = pb.start();
    started.add(p);
    Await.until(() -> ProcessTree.session(p.pid()).size() == 1, T, "setsid");
    return p.pid();
  }

  private RunRecords.Sweep sweepWith(long pid, String json) throws Exception {
    RunRecords records = open();
    Files.writeString(records.dir().resolve(pid + ".json"), json);
    return records.sweep(GRACE);
  }

  @Test
  void aRecordWithOnlyPidAndServerPidIsRefused() throws Exception {
    long victim = bystander();
    RunRecords.Sweep sweep = sweepWith(victim, "{\"pid\": " + victim + ", \"server_pid\": 999999}");
    assertThat(sweep.pids()).isEmpty();
    assertThat(sweep.refusals()).singleElement().asString().contains("start is missing");
    assertThat(Await.running(victim)).isTrue();
  }

  @Test
  void aRecordWithStartMinusOneIsRefused() throws Exception {
    long victim = bystander();
    long[] server = deadServer();
    String json = record(victim, 0, server[0], server[1], pidNamespace(), "0".repeat(64));
    RunRecords.Sweep sweep = sweepWith(victim, json.replace("\"start\": 0", "\"start\": -1"));
    assertThat(sweep.pids()).isEmpty();
    assertThat(sweep.refusals()).singleElement().asString().contains("start is missing");
    assertThat(Await.running(victim)).isTrue();
  }

  @Test
  void aFullyConsistentForgeryOfAProcessWithoutTheTokenTouchesNothing() throws Exception {
    // The victim's real start time, this boot, this pid namespace, a server that is gone: all
    // the record can say is right, but the victim does not carry a token of any server's.
    long victim = bystander();
    long[] server = deadServer();
    String json =
        record(
            victim,
            ProcessTree.startTime(victim).orElseThrow(),
            server[0],
            server[1],
            pidNamespace(),
            RunToken.random().sha256Hex());
    RunRecords.Sweep sweep = sweepWith(victim, json);
    assertThat(sweep.pids()).isEmpty();
    assertThat(sweep.refusals()).singleElement().asString().contains("does not carry");
    assertThat(Await.running(victim)).isTrue();
  }

  @Test
  void pidsZeroAndOneAreRefusedBeforeTheirSessionsAreLookedAt() throws Exception {
    long[] server = deadServer();
    RunRecords records = open();
    for (long pid : new long[] {0, 1}) {
      Files.writeString(
          records.dir().resolve(pid + ".json"),
          record(pid, 0, server[0], server[1], pidNamespace(), "0".repeat(64)));
    }
    RunRecords.Sweep sweep = records.sweep(GRACE);
    assertThat(sweep.pids()).isEmpty();
    assertThat(sweep.refusals()).hasSize(2).allMatch(r -> r.contains("is no run's"));
  }

  @Test
  void aRecordPlantedInTheWorkspaceIsNeverRead() throws Exception {
    long victim = bystander();
    long[] server = deadServer();
    Path planted = dir.resolve(".tox-server").resolve("runs").resolve(victim + ".json");
    Files.createDirectories(planted.getParent());
    Files.writeString(
        planted,
        record(
            victim,
            ProcessTree.startTime(victim).orElseThrow(),
            server[0],
            server[1],
            pidNamespace(),
            "0".repeat(64)));
    RunRecords.Sweep sweep = open().sweep(GRACE);
    assertThat(sweep.pids()).isEmpty();
    assertThat(Await.running(victim)).isTrue();
    assertThat(planted).exists();
  }

  @Test
  void aWorkspaceRunsFolderThatIsASymlinkIsNotEmptied() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path precious = Files.writeString(elsewhere.resolve("precious.json"), "{}");
    Files.createDirectories(dir.resolve(".tox-server"));
    Files.createSymbolicLink(dir.resolve(".tox-server").resolve("runs"), elsewhere);
    open().sweep(GRACE);
    assertThat(precious).exists();
  }

  @Test
  void aPlantedTemporaryFileSymlinkIsNotWrittenThrough() throws Exception {
    long pid = bystander();
    RunRecords records = open();
    Path target = Files.writeString(dir.resolve("target"), "mine\n");
    Files.createSymbolicLink(records.dir().resolve("." + pid + ".json.tmp"), target);
    records.add(pid, List.of("sleep", "1000"));
    assertThat(target).hasContent("mine");
    assertThat(RunRecords.read(records.dir().resolve(pid + ".json")).pid()).isEqualTo(pid);
  }

  @Test
  void aRecordThatIsASymlinkIsNotFollowedAndOnlyTheLinkIsRemoved() throws Exception {
    long victim = bystander();
    long[] server = deadServer();
    Path outside =
        Files.writeString(
            dir.resolve("outside.json"),
            record(
                victim,
                ProcessTree.startTime(victim).orElseThrow(),
                server[0],
                server[1],
                pidNamespace(),
                "0".repeat(64)));
    RunRecords records = open();
    Path link = records.dir().resolve(victim + ".json");
    Files.createSymbolicLink(link, outside);
    RunRecords.Sweep sweep = records.sweep(GRACE);
    assertThat(sweep.pids()).isEmpty();
    assertThat(sweep.refusals()).singleElement().asString().contains("not a regular file");
    assertThat(Await.running(victim)).isTrue();
    assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outside).exists();
  }

  @Test
  void theRecordsFolderIsPrivateAndASymlinkedOneIsRefused() throws Exception {
    Path state = dir.resolve("state-home");
    RunRecords records = open();
    assertThat(records.dir()).startsWith(state);
    assertThat(records.dir().startsWith(dir.resolve(".tox-server"))).isFalse();
    for (Path p = records.dir(); !p.equals(state); p = p.getParent()) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .isEqualTo("rwx------");
    }
    // One that others may write is tightened.
    Files.setPosixFilePermissions(records.dir(), PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(open().dir())))
        .isEqualTo("rwx------");
    // A level that is a symlink (to a folder others could write) is refused.
    Path runs = state.resolve("tox-server").resolve("runs");
    Path moved = Files.move(runs, dir.resolve("moved"));
    Files.createSymbolicLink(runs, moved);
    assertThatThrownBy(this::open)
        .isInstanceOf(PrivateFolder.UnsafeFolderException.class)
        .hasMessageContaining("is a symlink");
  }
}
