package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.client.RunResult;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.support.Recorder;
import dev.toxserver.support.TestServer;
import dev.toxserver.support.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real tox on the bundled sample project (no packaging, no network), through the server. */
@Timeout(180)
class ToxEndToEndTest {
  @TempDir Path dir;

  static Path sampleProject() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples/sample-project"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException(
          "examples/sample-project not found above " + Path.of("").toAbsolutePath());
    }
    return p.resolve("examples/sample-project");
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path rel = from.relativize(f);
        if (rel.toString().startsWith(".tox") || rel.toString().contains("__pycache__")) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Test
  void toxRunsTheSampleProjectsTestsAndReportsPassAndFail() throws Exception {
    Path tox = Tools.tox();
    Path project = dir.resolve("project");
    copyTree(sampleProject(), project);
    try (TestServer server = TestServer.start(List.of(tox.toString()), project);
        ToxServerClient client = new ToxServerClient(server.endpoint)) {
      Recorder pass = new Recorder();
      RunResult ok = client.run(List.of(), Duration.ofSeconds(30), pass);
      assertThat(ok.returncode()).as(pass.stdout() + pass.stderr()).isZero();
      // tox 3 merges its commands' stderr into its stdout; tox 4 keeps them apart.
      assertThat(pass.stdout() + pass.stderr()).contains("Ran 2 tests").contains("OK");
      assertThat(pass.stdout()).contains("commands succeeded");
      assertThat(pass.stdout()).as("colours survive without a terminal").contains("\u001b[");

      Path test = project.resolve("tests/test_frobulator.py");
      Files.writeString(test, Files.readString(test).replace("\"XOT\"", "\"TOX\""));
      Recorder fail = new Recorder();
      RunResult failed = client.run(List.of("--", "-k", "reverses"), Duration.ofSeconds(30), fail);
      assertThat(failed.returncode()).isEqualTo(1);
      assertThat(fail.stdout() + fail.stderr()).contains("Ran 1 test").contains("FAILED");
      assertThat(fail.stdout()).contains("commands failed");
    }
  }
}
