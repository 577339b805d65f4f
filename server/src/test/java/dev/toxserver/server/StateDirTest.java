package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.keys.StateDir;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
