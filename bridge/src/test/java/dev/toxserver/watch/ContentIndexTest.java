package dev.toxserver.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Which candidates really changed, without threads or events. */
@Timeout(30)
class ContentIndexTest {
  @TempDir Path root;

  private ContentIndex index() throws Exception {
    return ContentIndex.build(new TreeWalker(root, PathFilter.load(WatchSettings.of(root))));
  }

  private Path write(String relative, String content) throws Exception {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  @Test
  void indexesOnlyTriggeringFiles() throws Exception {
    write("src/a.py", "a");
    write("src/a.pyc", "ignored");
    write(".tox/x.py", "ignored");
    assertThat(index().paths()).containsExactly("src/a.py");
  }

  @Test
  void sameContentIsNoChangeWhateverTheTimestamp() throws Exception {
    Path file = write("a.py", "a");
    ContentIndex index = index();
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));
    assertThat(index.scan()).containsOnlyKeys("a.py"); // a poll sees the new timestamp...
    assertThat(index.settle(List.of("a.py"))).isEmpty(); // ...but the content is the same
    assertThat(index.scan()).isEmpty(); // and the next poll is quiet
  }

  @Test
  void changedCreatedAndDeletedFilesAreReportedWithTheirCandidate() throws Exception {
    write("a.py", "a");
    write("gone.py", "g");
    ContentIndex index = index();
    write("a.py", "A");
    write("new.py", "n");
    Files.delete(root.resolve("gone.py"));
    assertThat(index.settle(List.of("a.py", "new.py", "gone.py", "never-existed.py")))
        .containsExactly(
            java.util.Map.entry("a.py", "a.py"),
            java.util.Map.entry("gone.py", "gone.py"),
            java.util.Map.entry("new.py", "new.py"));
  }

  @Test
  void aDirectoryCandidateStandsForEverythingInIt() throws Exception {
    write("pkg/a.py", "a");
    write("pkg/old.py", "o");
    write("pkg.txt", "beside, not in, pkg");
    ContentIndex index = index();
    write("pkg/sub/new.py", "n");
    Files.delete(root.resolve("pkg/old.py"));
    assertThat(index.settle(List.of("pkg")))
        .containsOnlyKeys("pkg/old.py", "pkg/sub/new.py")
        .containsValue("pkg");
  }

  @Test
  void aFileReplacedByADirectoryAndBack() throws Exception {
    write("thing", "a file");
    ContentIndex index = index();
    Files.delete(root.resolve("thing"));
    write("thing/inside.py", "x");
    assertThat(index.settle(List.of("thing"))).containsOnlyKeys("thing", "thing/inside.py");
    WatcherContractTest.deleteTree(root.resolve("thing"));
    write("thing", "a file again");
    assertThat(index.settle(List.of("thing"))).containsOnlyKeys("thing", "thing/inside.py");
    assertThat(index.paths()).containsExactly("thing");
  }

  @Test
  void aLinkChangesWhenItsTargetNameDoes() throws Exception {
    write("a.py", "a");
    write("b.py", "b");
    Path link = Files.createSymbolicLink(root.resolve("current.py"), Path.of("a.py"));
    ContentIndex index = index();
    assertThat(index.paths()).contains("current.py");
    Files.delete(link);
    Files.createSymbolicLink(link, Path.of("a.py"));
    assertThat(index.settle(List.of("current.py"))).isEmpty();
    Files.delete(link);
    Files.createSymbolicLink(link, Path.of("b.py"));
    assertThat(index.settle(List.of("current.py"))).containsOnlyKeys("current.py");
  }

  @Test
  void aLinkToADirectoryIsNotFollowed() throws Exception {
    write("real/a.py", "a");
    Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
    assertThat(index().paths()).containsExactly("alias", "real/a.py");
  }

  @Test
  void pathsBesideADeletedDirectoryAreNotMistakenForItsContents() throws Exception {
    // "a.txt" sorts between "a" and "a/b" in byte order.
    write("a/b.py", "1");
    write("a.txt", "2");
    write("a0.py", "3");
    ContentIndex index = index();
    WatcherContractTest.deleteTree(root.resolve("a"));
    assertThat(index.settle(List.of("a"))).containsOnlyKeys("a/b.py");
    assertThat(index.paths()).containsExactly("a.txt", "a0.py");
  }
}
