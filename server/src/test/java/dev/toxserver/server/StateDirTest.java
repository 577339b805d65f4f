package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toxserver.keys.StateDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirTest {
  @TempDir Path dir;

  @Test
  void isCreatedWithAGitignoreThatIgnoresEverythingAndKeepsAnEditedOne() throws Exception {
    StateDir state = StateDir.open(dir);
    assertThat(state.path()).isEqualTo(dir.resolve(".tox-server"));
    assertThat(Files.readAllLines(state.resolve(".gitignore"))).contains("*");
    Files.writeString(state.resolve(".gitignore"), "*\nmine\n");
    StateDir.open(dir);
    assertThat(Files.readString(state.resolve(".gitignore"))).isEqualTo("*\nmine\n");
    assertThat(StateDir.of(dir)).isEqualTo(state.path());
  }

  @Test
  void aDanglingGitignoreSymlinkIsNotWrittenThrough() throws Exception {
    Path target = dir.resolve("elsewhere").resolve("created-by-the-server");
    Files.createDirectories(target.getParent());
    Files.createDirectories(dir.resolve(".tox-server"));
    Files.createSymbolicLink(dir.resolve(".tox-server").resolve(".gitignore"), target);
    StateDir.open(dir);
    assertThat(target).doesNotExist();
  }

  @Test
  void aStateFolderThatIsASymlinkIsRefused() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.createSymbolicLink(dir.resolve(".tox-server"), elsewhere);
    assertThatThrownBy(() -> StateDir.open(dir))
        .isInstanceOf(StateDir.UnsafeStateDirException.class)
        .hasMessageContaining("is a symlink");
    assertThat(elsewhere.resolve(".gitignore")).doesNotExist();
  }

  @Test
  void aStateFolderEveryoneMayWriteIsWarnedAbout() throws Exception {
    Path state = Files.createDirectories(dir.resolve(".tox-server"));
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> warnings = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            warnings.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger log = Logger.getLogger("tox-server");
    log.addHandler(handler);
    try {
      StateDir.open(dir);
    } finally {
      log.removeHandler(handler);
    }
    assertThat(warnings)
        .anyMatch(w -> w.contains("writable by every user") && w.contains(state.toString()));
  }
}
