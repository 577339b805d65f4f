package dev.toxserver.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class PathFilterTest {

  private static PathFilter filter(String gitignore) {
    return new PathFilter(gitignore, List.of(), List.of());
  }

  private static PathFilter filter(String gitignore, List<String> includes, List<String> excludes) {
    return new PathFilter(gitignore, includes, excludes);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ".git",
        "sub/.git",
        ".hg",
        ".tox",
        ".nox",
        ".venv",
        "__pycache__",
        "pkg/__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
        "htmlcov",
        "pkg.egg-info",
        "node_modules",
        "web/node_modules",
        "build",
        "target",
        "module/target",
        ".idea",
        ".tox-server"
      })
  void defaultIgnoredDirectoriesAreNotWatched(String dir) {
    PathFilter filter = filter("");
    assertThat(filter.ignoresDirectory(Path.of(dir))).as(dir).isTrue();
    assertThat(filter.triggers(Path.of(dir, "inside.py"))).as(dir + "/inside.py").isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pkg/mod.pyc",
        ".coverage",
        ".coverage.host.1234.567",
        ".DS_Store",
        "src/.mod.py.swp",
        "src/.mod.py.swo",
        "src/.mod.py.swx",
        "src/4913",
        "src/mod.py~",
        "src/.#mod.py",
        "src/#mod.py#",
        "src/mod.py___jb_tmp___",
        "src/mod.py___jb_old___",
        "src/.mod.py.kate-swp",
        "src/.goutputstream-X1Y2Z3"
      })
  void defaultIgnoredFilesDoNotTrigger(String file) {
    assertThat(filter("").triggers(Path.of(file))).as(file).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tox.ini",
        "src/pkg/mod.py",
        "tests/test_mod.py",
        "src/swap.py",
        "src/build.py",
        "docs/target.md",
        "src/49130",
        ".gitignore"
      })
  void ordinaryFilesTrigger(String file) {
    assertThat(filter("").triggers(Path.of(file))).as(file).isTrue();
  }

  @Test
  void aBuildFileIsNotABuildDirectory() {
    // "build/" in the defaults means directories only.
    assertThat(filter("").triggers(Path.of("build"))).isTrue();
    assertThat(filter("").ignoresDirectory(Path.of("build"))).isTrue();
  }

  @Test
  void gitignoreNamePatternsMatchAtAnyDepth() {
    PathFilter filter = filter("*.log\ngenerated\n");
    assertThat(filter.triggers(Path.of("a.log"))).isFalse();
    assertThat(filter.triggers(Path.of("x/y/a.log"))).isFalse();
    assertThat(filter.ignoresDirectory(Path.of("x/generated"))).isTrue();
    assertThat(filter.triggers(Path.of("x/generated"))).isFalse(); // a file of that name too
    assertThat(filter.triggers(Path.of("a.log.py"))).isTrue();
  }

  @Test
  void gitignoreLeadingSlashAnchorsToTheRoot() {
    PathFilter filter = filter("/config.py\n/out/\n");
    assertThat(filter.triggers(Path.of("config.py"))).isFalse();
    assertThat(filter.triggers(Path.of("pkg/config.py"))).isTrue();
    assertThat(filter.ignoresDirectory(Path.of("out"))).isTrue();
    assertThat(filter.ignoresDirectory(Path.of("pkg/out"))).isFalse();
  }

  @Test
  void gitignoreSlashInTheMiddleAnchorsToo() {
    PathFilter filter = filter("docs/*.md\n");
    assertThat(filter.triggers(Path.of("docs/a.md"))).isFalse();
    assertThat(filter.triggers(Path.of("docs/sub/a.md"))).isTrue(); // '*' stays in one directory
    assertThat(filter.triggers(Path.of("x/docs/a.md"))).isTrue();
  }

  @Test
  void gitignoreTrailingSlashMeansDirectoriesOnly() {
    PathFilter filter = filter("cache/\n");
    assertThat(filter.ignoresDirectory(Path.of("cache"))).isTrue();
    assertThat(filter.ignoresDirectory(Path.of("pkg/cache"))).isTrue();
    assertThat(filter.triggers(Path.of("cache"))).isTrue();
  }

  @Test
  void gitignoreDoubleStar() {
    PathFilter filter = filter("**/fixtures/*.json\nlogs/**\na/**/z\n");
    assertThat(filter.triggers(Path.of("fixtures/x.json"))).isFalse();
    assertThat(filter.triggers(Path.of("tests/unit/fixtures/x.json"))).isFalse();
    assertThat(filter.triggers(Path.of("tests/unit/fixtures/x.py"))).isTrue();
    assertThat(filter.triggers(Path.of("logs/a/b.txt"))).isFalse();
    assertThat(filter.triggers(Path.of("a/z"))).isFalse(); // "/**/" matches zero directories too
    assertThat(filter.triggers(Path.of("a/b/c/z"))).isFalse();
    assertThat(filter.triggers(Path.of("b/a/z"))).isTrue();
  }

  @Test
  void gitignoreNegationReincludesUnlessAParentDirectoryIsIgnored() {
    PathFilter filter = filter("*.log\n!keep.log\nout/\n!out/keep.txt\nlogs/*\n!logs/keep.txt\n");
    assertThat(filter.triggers(Path.of("a.log"))).isFalse();
    assertThat(filter.triggers(Path.of("keep.log"))).isTrue();
    assertThat(filter.triggers(Path.of("sub/keep.log"))).isTrue();
    // As in git: a file in an ignored directory cannot be re-included...
    assertThat(filter.triggers(Path.of("out/keep.txt"))).isFalse();
    // ...but "logs/*" ignores the entries, not the directory, so this one can.
    assertThat(filter.triggers(Path.of("logs/keep.txt"))).isTrue();
    assertThat(filter.triggers(Path.of("logs/other.txt"))).isFalse();
  }

  @Test
  void gitignoreCommentsBlankLinesEscapesAndTrailingSpaces() {
    PathFilter filter =
        filter("# not a pattern\n\n\\#hash.py\n\\!bang.py\nspaced.py   \nkept\\ \n");
    assertThat(filter.triggers(Path.of("# not a pattern"))).isTrue();
    assertThat(filter.triggers(Path.of("#hash.py"))).isFalse();
    assertThat(filter.triggers(Path.of("!bang.py"))).isFalse();
    assertThat(filter.triggers(Path.of("spaced.py"))).isFalse(); // trailing spaces are dropped
    assertThat(filter.triggers(Path.of("kept "))).isFalse(); // unless escaped
    assertThat(filter.triggers(Path.of("kept"))).isTrue();
  }

  @Test
  void gitignoreCharacterClasses() {
    PathFilter filter = filter("data[0-9].csv\n[!a]*.tmp\n[[:upper:]]*.txt\n");
    assertThat(filter.triggers(Path.of("data1.csv"))).isFalse();
    assertThat(filter.triggers(Path.of("datax.csv"))).isTrue();
    assertThat(filter.triggers(Path.of("b.tmp"))).isFalse();
    assertThat(filter.triggers(Path.of("a.tmp"))).isTrue();
    assertThat(filter.triggers(Path.of("README.txt"))).isFalse();
    assertThat(filter.triggers(Path.of("readme.txt"))).isTrue();
  }

  @Test
  void gitignoreNegationCanReincludeADefault() {
    // A project whose source has a "build" package: the .gitignore comes after the defaults.
    PathFilter filter = filter("!build/\n");
    assertThat(filter.ignoresDirectory(Path.of("src/build"))).isFalse();
    assertThat(filter.triggers(Path.of("src/build/steps.py"))).isTrue();
    assertThat(filter.ignoresDirectory(Path.of(".tox"))).isTrue();
  }

  @Test
  void excludesAddIgnores() {
    PathFilter filter = filter("", List.of(), List.of("docs/", "*.md", "/scratch.py"));
    assertThat(filter.ignoresDirectory(Path.of("docs"))).isTrue();
    assertThat(filter.triggers(Path.of("docs/conf.py"))).isFalse();
    assertThat(filter.triggers(Path.of("README.md"))).isFalse();
    assertThat(filter.triggers(Path.of("scratch.py"))).isFalse();
    assertThat(filter.triggers(Path.of("pkg/scratch.py"))).isTrue();
    assertThat(filter.triggers(Path.of("pkg/mod.py"))).isTrue();
  }

  @Test
  void excludesWinOverIncludesAndNegations() {
    PathFilter filter = filter("!keep.md\n", List.of("*.md", "/build/"), List.of("*.md", "build/"));
    assertThat(filter.triggers(Path.of("keep.md"))).isFalse();
    assertThat(filter.ignoresDirectory(Path.of("build"))).isTrue();
  }

  @Test
  void includesRestrictWhatTriggers() {
    PathFilter filter = filter("", List.of("*.py", "tox.ini"), List.of());
    assertThat(filter.triggers(Path.of("src/pkg/mod.py"))).isTrue();
    assertThat(filter.triggers(Path.of("mod.py"))).isTrue();
    assertThat(filter.triggers(Path.of("tox.ini"))).isTrue();
    assertThat(filter.triggers(Path.of("README.md"))).isFalse();
    assertThat(filter.triggers(Path.of("src/data.json"))).isFalse();
    // An include matching a directory includes what is in it.
    PathFilter dirs = filter("", List.of("src/"), List.of());
    assertThat(dirs.triggers(Path.of("src/a/b.txt"))).isTrue();
    assertThat(dirs.triggers(Path.of("tests/test_b.py"))).isFalse();
  }

  @Test
  void unanchoredIncludesNeverReachIntoIgnoredDirectories() {
    PathFilter filter = filter("generated/\n", List.of("*.py"), List.of());
    assertThat(filter.triggers(Path.of(".tox/py311/lib/site.py"))).isFalse();
    assertThat(filter.triggers(Path.of("node_modules/x/setup.py"))).isFalse();
    assertThat(filter.triggers(Path.of("pkg/__pycache__/x.py"))).isFalse();
    assertThat(filter.triggers(Path.of("generated/x.py"))).isFalse();
    assertThat(filter.ignoresDirectory(Path.of(".git"))).isTrue();
  }

  @Test
  void anchoredIncludesReopenTheIgnoredDirectoriesTheyName() {
    PathFilter filter = filter("out/\n", List.of("build/generated/**", "/out/", "*.py"), List.of());
    // On the way to an include's literal directories: watched although ignored.
    assertThat(filter.ignoresDirectory(Path.of("build"))).isFalse();
    assertThat(filter.ignoresDirectory(Path.of("build/generated"))).isFalse();
    assertThat(filter.triggers(Path.of("build/generated/api.json"))).isTrue();
    assertThat(filter.ignoresDirectory(Path.of("out"))).isFalse();
    assertThat(filter.triggers(Path.of("out/report.txt"))).isTrue();
    // Beside them the rules still apply, even for files another include matches...
    assertThat(filter.ignoresDirectory(Path.of("build/lib"))).isTrue();
    assertThat(filter.triggers(Path.of("build/lib/x.py"))).isFalse();
    assertThat(filter.triggers(Path.of("build/x.py"))).isFalse();
    // ...and below them the rules apply to the deeper part of a path.
    assertThat(filter.ignoresDirectory(Path.of("build/generated/__pycache__"))).isTrue();
    assertThat(filter.triggers(Path.of("build/generated/x.pyc"))).isFalse();
    assertThat(filter.ignoresDirectory(Path.of("out/.git"))).isTrue();
  }

  @Test
  void anchoredIncludesAloneLeaveTheRestOfTheTreeUnwatched() {
    PathFilter filter = filter("", List.of("src/**"), List.of());
    assertThat(filter.ignoresDirectory(Path.of("src"))).isFalse();
    assertThat(filter.ignoresDirectory(Path.of("src/pkg"))).isFalse();
    assertThat(filter.ignoresDirectory(Path.of("docs"))).isTrue();
    assertThat(filter.triggers(Path.of("src/pkg/mod.py"))).isTrue();
    assertThat(filter.triggers(Path.of("setup.py"))).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "*.py|''",
        "build/|''",
        "**/x|''",
        "/build/|build",
        "/build|build",
        "build/generated/**|build/generated",
        "src/*.py|src",
        "a/b/c.txt|a/b/c.txt",
        "a/b*/c|a",
        "'/x/y/  '|x/y"
      })
  void literalBaseOfAnIncludePattern(String pattern, String base) {
    assertThat(PathFilter.literalBase(pattern)).isEqualTo(base);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "!src/", "#x", "a["})
  void invalidIncludeAndExcludePatternsAreRefused(String pattern) {
    assertThatThrownBy(() -> filter("", List.of(pattern), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("include");
    assertThatThrownBy(() -> filter("", List.of(), List.of(pattern)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anInvalidGitignoreLineIsSkipped() {
    PathFilter filter = filter("a[\n*.log\n");
    assertThat(filter.triggers(Path.of("x.log"))).isFalse();
    assertThat(filter.triggers(Path.of("a["))).isTrue();
  }

  @Test
  void loadReadsTheRootGitignore(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve(".gitignore"), "*.log\n");
    PathFilter filter = PathFilter.load(WatchSettings.of(root).withExcludes(List.of("*.tmp")));
    assertThat(filter.triggers(Path.of("a.log"))).isFalse();
    assertThat(filter.triggers(Path.of("a.tmp"))).isFalse();
    assertThat(filter.triggers(Path.of("a.py"))).isTrue();
  }

  @Test
  void loadWithoutAGitignore(@TempDir Path root) throws Exception {
    assertThat(PathFilter.load(WatchSettings.of(root)).triggers(Path.of("a.log"))).isTrue();
  }
}
