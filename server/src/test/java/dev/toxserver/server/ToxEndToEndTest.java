package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.support.Recorder;
import dev.toxserver.support.SampleProject;
import dev.toxserver.support.TestServer;
import dev.toxserver.support.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real tox on the bundled sample project (no packaging, no network), through the server. */
@Timeout(180)
class ToxEndToEndTest {
  @TempDir Path dir;

  @Test
  void toxRunsTheSampleProjectsTestsAndReportsPassAndFail() throws Exception {
    Path tox = Tools.tox();
    Path project = dir.resolve("project");
    SampleProject.copyTo(project);
    try (TestServer server = TestServer.start(List.of(tox.toString()), project);
        ToxServerClient client = new ToxServerClient(server.endpoint)) {
      Recorder pass = new Recorder();
      FinishedRun ok = client.run(List.of(), Duration.ofSeconds(30), pass);
      assertThat(ok.returncode()).as(pass.stdout() + pass.stderr()).isZero();
      // tox 3 merges its commands' stderr into its stdout; tox 4 keeps them apart.
      assertThat(pass.stdout() + pass.stderr()).contains("Ran 2 tests").contains("OK");
      assertThat(pass.stdout()).contains("commands succeeded");
      assertThat(pass.stdout()).as("colours survive without a terminal").contains("\u001b[");

      Path test = project.resolve("tests/test_frobulator.py");
      Files.writeString(test, Files.readString(test).replace("\"XOT\"", "\"TOX\""));
      Recorder fail = new Recorder();
      FinishedRun failed =
          client.run(List.of("--", "-k", "reverses"), Duration.ofSeconds(30), fail);
      assertThat(failed.returncode()).isEqualTo(1);
      assertThat(fail.stdout() + fail.stderr()).contains("Ran 1 test").contains("FAILED");
      assertThat(fail.stdout()).contains("commands failed");
    }
  }
}
