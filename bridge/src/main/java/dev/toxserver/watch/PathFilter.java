package dev.toxserver.watch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.ignore.FastIgnoreRule;
import org.eclipse.jgit.ignore.IgnoreNode;

/**
 * Decides which directories are watched and which files trigger a batch. Paths are relative to the
 * watched root. Every pattern (the defaults, the root {@code .gitignore}, includes and excludes)
 * has <a href="https://git-scm.com/docs/gitignore#_pattern_format">gitignore syntax and
 * meaning</a>, matched by JGit: {@code *.py} matches at any depth, {@code /build} or {@code
 * src/*.py} only relative to the root, {@code dir/} only directories, {@code **} any number of
 * directories.
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li><b>Excludes</b> always win: a path that an exclude pattern matches, or that lies in a
 *       directory one matches, never triggers, and such a directory is not watched.
 *   <li><b>Includes</b>, when there are any, restrict: a file triggers only if an include pattern
 *       matches it or a directory it lies in.
 *   <li><b>Ignore rules</b>: the {@link #DEFAULT_IGNORES} and the root {@code .gitignore}, with
 *       git's precedence: the {@code .gitignore} comes last, so its {@code !negation} lines can
 *       re-include what a default ignores. As in git, nothing inside an ignored directory can be
 *       re-included, and ignored directories are not watched at all.
 *   <li>An <b>anchored include</b> (one with a slash before its end, such as {@code /build/} or
 *       {@code build/generated/**}) is the one way to reach into ignored directories: the
 *       directories named by its leading literal segments ({@code build}, {@code build/generated})
 *       are watched even if ignored, and below them the ignore rules apply only to the deeper part
 *       of a path ({@code build/generated/__pycache__/} stays ignored). Unanchored includes such as
 *       {@code *.py} never reach into ignored directories like {@code .tox/} or {@code
 *       node_modules/}.
 * </ol>
 *
 * <p>Include and exclude patterns cannot be negated ({@code !pattern}). The {@code .gitignore} is
 * read once, when the filter is made; nested {@code .gitignore} files are not read.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class PathFilter {

  /**
   * Ignored in every project: version-control and tool state, caches and reports that a test run
   * itself writes (so a run does not trigger the next one), build output, and the files editors
   * write beside the one being saved.
   */
  public static final List<String> DEFAULT_IGNORES =
      List.of(
          // version control and IDE state
          ".git/",
          ".hg/",
          ".svn/",
          ".idea/",
          ".DS_Store",
          // tox-server's own state in the project (keys, run records): written by every run
          ".tox-server/",
          // Python environments, caches and what a test run writes
          ".tox/",
          ".nox/",
          ".venv/",
          "__pycache__/",
          "*.pyc",
          ".pytest_cache/",
          ".mypy_cache/",
          ".ruff_cache/",
          ".hypothesis/",
          ".coverage",
          ".coverage.*",
          "htmlcov/",
          "*.egg-info/",
          ".eggs/",
          // build output and dependencies
          "node_modules/",
          "build/",
          "target/",
          // editors: vim swap files (.swp, .swo, ... .swa) and its probe file 4913, backups (~),
          // Emacs locks and auto-saves, JetBrains safe-write temporaries, Kate swap, GNOME temps
          "*.sw[a-p]",
          "*.swx",
          "4913",
          "*~",
          ".#*",
          "\\#*#",
          "*___jb_tmp___",
          "*___jb_old___",
          "*.kate-swp",
          ".goutputstream-*");

  private final IgnoreNode defaults;
  private final IgnoreNode gitignore;
  private final List<FastIgnoreRule> excludes;
  private final List<FastIgnoreRule> includes;

  /** The leading literal directories of the anchored includes; see the class comment, rule 4. */
  private final List<String> includeBases;

  /**
   * Whether some include can match anywhere in the tree (it is unanchored or starts with a glob).
   */
  private final boolean includesAnywhere;

  /** Whether the ignore rules hide a directory (outside any include base). */
  private final ConcurrentHashMap<String, Boolean> hiddenDirectories = new ConcurrentHashMap<>();

  PathFilter(String gitignoreText, List<String> includePatterns, List<String> excludePatterns) {
    this.defaults = parse(String.join("\n", DEFAULT_IGNORES));
    this.gitignore = parse(gitignoreText);
    this.excludes = rules("exclude", excludePatterns);
    this.includes = rules("include", includePatterns);
    List<String> bases = new ArrayList<>();
    boolean anywhere = false;
    for (String pattern : includePatterns) {
      String base = literalBase(pattern);
      if (base.isEmpty()) {
        anywhere = true;
      } else {
        bases.add(base);
      }
    }
    this.includeBases = List.copyOf(bases);
    this.includesAnywhere = anywhere;
  }

  /**
   * The filter for {@code settings}: its includes and excludes, the defaults, and the {@code
   * .gitignore} in its root if there is one.
   *
   * @throws IllegalArgumentException if an include or exclude is not a valid pattern
   */
  public static PathFilter load(WatchSettings settings) throws IOException {
    String text;
    try {
      text = Files.readString(settings.root().resolve(".gitignore"), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      text = "";
    }
    return new PathFilter(text, settings.includes(), settings.excludes());
  }

  /** Whether the directory at {@code relative} is left unwatched (with all it contains). */
  public boolean ignoresDirectory(Path relative) {
    return !watchesDirectory(key(relative));
  }

  /** Whether a change to the file at {@code relativeFile} belongs in a batch. */
  public boolean triggers(Path relativeFile) {
    return triggers(key(relativeFile));
  }

  /** {@link #ignoresDirectory}, negated, for a '/'-separated relative path ("" is the root). */
  boolean watchesDirectory(String dir) {
    if (dir.isEmpty()) {
      return true;
    }
    if (matchesAny(excludes, dir, true)) {
      return false;
    }
    if (onTheWayToBase(dir)) {
      return true;
    }
    if (!includes.isEmpty() && !includesAnywhere && baseContaining(dir) == null) {
      return false; // no include can match anything in here
    }
    return !hiddenByRules(dir, true);
  }

  /** {@link #triggers(Path)} for a '/'-separated relative path. */
  boolean triggers(String file) {
    if (file.isEmpty() || matchesAny(excludes, file, false)) {
      return false;
    }
    if (!includes.isEmpty() && !matchesAny(includes, file, false)) {
      return false;
    }
    return !hiddenByRules(file, false);
  }

  /** Whether the ignore rules hide {@code path}: it, or a directory it lies in, is ignored. */
  private boolean hiddenByRules(String path, boolean directory) {
    String base = baseContaining(path);
    if (base == null) {
      String parent = parentOf(path);
      return (parent != null && hiddenDirectory(parent)) || ignoredHere(path, directory);
    }
    // Below an anchored include's base only the levels under the base count (rule 4).
    int from = base.length() + 1;
    while (from <= path.length()) {
      int slash = path.indexOf('/', from);
      int end = slash < 0 ? path.length() : slash;
      if (ignoredHere(path.substring(0, end), slash >= 0 || directory)) {
        return true;
      }
      from = end + 1;
    }
    return false;
  }

  private boolean hiddenDirectory(String dir) {
    Boolean known = hiddenDirectories.get(dir);
    if (known == null) {
      String parent = parentOf(dir);
      known = (parent != null && hiddenDirectory(parent)) || ignoredHere(dir, true);
      hiddenDirectories.put(dir, known);
    }
    return known;
  }

  /** Whether the rules ignore exactly this path (not looking at the directories it lies in). */
  private boolean ignoredHere(String path, boolean directory) {
    Boolean verdict = gitignore.checkIgnored(path, directory);
    if (verdict == null) {
      verdict = defaults.checkIgnored(path, directory);
    }
    return Boolean.TRUE.equals(verdict);
  }

  private boolean onTheWayToBase(String dir) {
    for (String base : includeBases) {
      if (isAncestorOrSelf(dir, base)) {
        return true;
      }
    }
    return false;
  }

  /** The longest include base that is {@code path} or a directory {@code path} lies in. */
  private String baseContaining(String path) {
    String found = null;
    for (String base : includeBases) {
      if (isAncestorOrSelf(base, path) && (found == null || base.length() > found.length())) {
        found = base;
      }
    }
    return found;
  }

  private static boolean isAncestorOrSelf(String ancestor, String path) {
    return path.equals(ancestor)
        || (path.startsWith(ancestor) && path.charAt(ancestor.length()) == '/');
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? null : path.substring(0, slash);
  }

  /** JGit's non-exact match: the rule matches the path or a directory the path lies in. */
  private static boolean matchesAny(List<FastIgnoreRule> rules, String path, boolean directory) {
    for (FastIgnoreRule rule : rules) {
      if (rule.isMatch(path, directory)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The leading directories of an anchored pattern that contain no glob characters: {@code
   * build/gen} for {@code build/gen/**}, {@code build} for {@code /build/}; "" for a pattern that
   * matches at any depth ({@code *.py}, {@code build/}) or starts with a glob ({@code **}{@code
   * /x}).
   */
  static String literalBase(String pattern) {
    String p = pattern.replaceAll("(?<!\\\\) +$", "");
    boolean anchored = p.startsWith("/");
    if (anchored) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (!anchored && !p.contains("/")) {
      return "";
    }
    StringBuilder base = new StringBuilder();
    for (String segment : p.split("/", -1)) {
      if (segment.isEmpty() || segment.chars().anyMatch(c -> "*?[\\".indexOf(c) >= 0)) {
        break;
      }
      if (base.length() > 0) {
        base.append('/');
      }
      base.append(segment);
    }
    return base.toString();
  }

  private static List<FastIgnoreRule> rules(String kind, List<String> patterns) {
    List<FastIgnoreRule> rules = new ArrayList<>();
    for (String pattern : patterns) {
      if (pattern == null || pattern.isBlank()) {
        throw new IllegalArgumentException("empty " + kind + " pattern");
      }
      if (pattern.startsWith("!")) {
        throw new IllegalArgumentException(
            kind
                + " patterns cannot be negated: '"
                + pattern
                + "' (to match a name starting with '!', write '\\"
                + pattern
                + "')");
      }
      if (pattern.startsWith("#")) {
        throw new IllegalArgumentException(
            kind
                + " pattern '"
                + pattern
                + "' would be a comment (to match a name starting with '#', write '\\"
                + pattern
                + "')");
      }
      FastIgnoreRule rule = new FastIgnoreRule(pattern);
      if (rule.isEmpty()) {
        throw new IllegalArgumentException("not a valid " + kind + " pattern: '" + pattern + "'");
      }
      rules.add(rule);
    }
    return List.copyOf(rules);
  }

  private static IgnoreNode parse(String text) {
    IgnoreNode node = new IgnoreNode();
    try {
      node.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new AssertionError("reading from memory cannot fail", e);
    }
    return node;
  }

  /** A relative path as '/'-separated text, the form every rule is matched against. */
  static String key(Path relative) {
    if (relative.isAbsolute()) {
      throw new IllegalArgumentException("not a relative path: " + relative);
    }
    String text = relative.toString();
    String separator = relative.getFileSystem().getSeparator();
    return separator.equals("/") ? text : text.replace(separator, "/");
  }
}
