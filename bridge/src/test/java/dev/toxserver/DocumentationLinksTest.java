package dev.toxserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in README.md and docs/ leads somewhere: the file (or folder) exists, and a
 * {@code #fragment} into a Markdown file names one of its headings, as GitHub makes their anchors.
 * Links to other sites (http, https, mailto) are not fetched.
 */
@Timeout(30)
class DocumentationLinksTest {
  /** The repository: the bridge module's tests run in bridge/. */
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyRelativeLinkInTheReadmeAndDocsResolves() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(REPO.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(REPO.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertThat(pages).contains(REPO.resolve("docs/architecture.md"));

    assertThat(new LinkChecker(REPO).brokenLinks(pages)).isEmpty();
  }

  @Test
  void aBrokenLinkIsReportedWithItsFileAndLine(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/guide.md"), "# A guide\n\n## Set-up: `bridge run`\n");
    Files.writeString(
        root.resolve("README.md"),
        String.join(
            "\n",
            "# Read me",
            "See [the guide](docs/guide.md), [set-up](docs/guide.md#set-up-bridge-run),",
            "[here](#read-me), ![a logo](docs/logo.png) and [a site](https://example.com/x).",
            "[gone](docs/missing.md) and [no such part](docs/guide.md#install \"title\")",
            "`[in code](nowhere.md)` is not a link, [nor](#read-me) broken.",
            "```",
            "[in a code block](nowhere.md)",
            "```",
            "[up](#nothing-here)",
            "[ref]: docs/also-missing.md",
            ""));

    List<String> broken = new LinkChecker(root).brokenLinks(List.of(root.resolve("README.md")));

    assertThat(broken)
        .containsExactly(
            "README.md:3: docs/logo.png: no such file",
            "README.md:4: docs/missing.md: no such file",
            "README.md:4: docs/guide.md#install: docs/guide.md has no heading 'install'",
            "README.md:9: #nothing-here: README.md has no heading 'nothing-here'",
            "README.md:10: docs/also-missing.md: no such file");
  }

  @Test
  void anchorsAreMadeAsGitHubMakesThem() {
    assertThat(LinkChecker.slug("From the host terminal: `bridge run`"))
        .isEqualTo("from-the-host-terminal-bridge-run");
    assertThat(LinkChecker.slug("In VS Code: the extension")).isEqualTo("in-vs-code-the-extension");
    assertThat(LinkChecker.slug("The editor API (`bridge stdio`)"))
        .isEqualTo("the-editor-api-bridge-stdio");
    assertThat(LinkChecker.slug("v1 and [our extensions](x.md) — raw_output"))
        .isEqualTo("v1-and-our-extensions--raw_output");
  }

  /** Finds the relative links of Markdown pages and says which lead nowhere. */
  static final class LinkChecker {
    /** {@code [text](target)} and {@code ![alt](target)}; the target ends at a space or ')'. */
    private static final Pattern INLINE = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]*)>?");

    /** A reference definition: {@code [label]: target}. */
    private static final Pattern REFERENCE =
        Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)");

    private static final Pattern CODE_SPAN = Pattern.compile("(`+).*?\\1");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    private final Path root;
    private final Map<Path, Set<String>> anchors = new HashMap<>();

    LinkChecker(Path root) {
      this.root = root;
    }

    /** "FILE:LINE: TARGET: what is wrong" for each link that leads nowhere, in order. */
    List<String> brokenLinks(List<Path> pages) throws IOException {
      List<String> broken = new ArrayList<>();
      for (Path page : pages) {
        List<String> lines = proseLines(page);
        for (int i = 0; i < lines.size(); i++) {
          for (String target : targets(lines.get(i))) {
            String problem = check(page, target);
            if (problem != null) {
              broken.add(root.relativize(page) + ":" + (i + 1) + ": " + target + ": " + problem);
            }
          }
        }
      }
      return broken;
    }

    /** The page's lines, with fenced code blocks and code spans blanked: they hold no links. */
    private static List<String> proseLines(Path page) throws IOException {
      List<String> lines = new ArrayList<>();
      String fence = null;
      for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
        String trimmed = line.stripLeading();
        if (fence == null && (trimmed.startsWith("```") || trimmed.startsWith("~~~"))) {
          fence = trimmed.substring(0, 3);
          lines.add("");
        } else if (fence != null) {
          if (trimmed.startsWith(fence)) {
            fence = null;
          }
          lines.add("");
        } else {
          lines.add(CODE_SPAN.matcher(line).replaceAll(""));
        }
      }
      return lines;
    }

    private static List<String> targets(String line) {
      List<String> targets = new ArrayList<>();
      Matcher inline = INLINE.matcher(line);
      while (inline.find()) {
        targets.add(inline.group(1));
      }
      Matcher reference = REFERENCE.matcher(line);
      if (reference.find()) {
        targets.add(reference.group(1));
      }
      return targets;
    }

    /** What is wrong with the link, or null when it resolves (or leads to another site). */
    private String check(Path page, String target) throws IOException {
      if (target.isEmpty()) {
        return "an empty link";
      }
      if (SCHEME.matcher(target).find()) {
        return null;
      }
      int hash = target.indexOf('#');
      String file = hash < 0 ? target : target.substring(0, hash);
      String fragment = hash < 0 ? null : target.substring(hash + 1);
      Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
      if (!Files.exists(resolved)) {
        return "no such file";
      }
      if (fragment == null || !resolved.toString().endsWith(".md")) {
        return null;
      }
      if (!anchorsOf(resolved).contains(fragment)) {
        return root.relativize(resolved) + " has no heading '" + fragment + "'";
      }
      return null;
    }

    private Set<String> anchorsOf(Path page) {
      return anchors.computeIfAbsent(
          page,
          p -> {
            Set<String> found = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            try {
              String fence = null;
              for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                String trimmed = line.stripLeading();
                if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
                  fence = fence == null ? trimmed.substring(0, 3) : null;
                  continue;
                }
                Matcher heading = HEADING.matcher(line);
                if (fence == null && heading.matches()) {
                  String slug = slug(heading.group(1));
                  int times = seen.merge(slug, 1, Integer::sum);
                  found.add(times == 1 ? slug : slug + "-" + (times - 1));
                }
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            return found;
          });
    }

    /**
     * GitHub's anchor for a heading: its text without Markdown links' targets, lower case, without
     * punctuation but '-' and '_', each space a '-'.
     */
    static String slug(String heading) {
      String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
      return text.toLowerCase(Locale.ROOT)
          .replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "")
          .replace(' ', '-');
    }
  }
}
