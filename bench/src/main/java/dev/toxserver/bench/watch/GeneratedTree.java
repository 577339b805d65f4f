package dev.toxserver.bench.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A project tree the benchmark writes, and what is in it. */
final class GeneratedTree {
  private final SplittableRandom random;
  int files;

  /** Files in watched directories (src/, tests/). */
  int sourceFiles;

  int directories;
  int sourceDirectories;
  long bytes;

  private GeneratedTree(SplittableRandom random) {
    this.random = random;
  }

  /** About 10% sources and tests, the rest in node_modules (deep), .git and .tox. */
  static GeneratedTree project(Path root, int total, SplittableRandom random) throws IOException {
    GeneratedTree tree = new GeneratedTree(random);
    int sources = total / 10;
    int perPackage = 20;
    for (int i = 0; i < sources; i++) {
      String dir = i % 5 == 0 ? "tests/unit/t" + (i / perPackage) : "src/pkg/m" + (i / perPackage);
      tree.file(root.resolve(dir).resolve("mod_" + i + ".py"), 2048);
      tree.sourceFiles++;
    }
    tree.file(root.resolve("tox.ini"), 300);
    Files.writeString(root.resolve(".gitignore"), "*.log\n/dist/\n*.egg-info/\n");
    tree.files++;
    int rest = total - tree.files;
    int git = rest / 5;
    int tox = rest / 5;
    for (int i = 0; i < git; i++) {
      tree.file(root.resolve(String.format(".git/objects/%02x/%038x", i % 256, i)), 700);
    }
    for (int i = 0; i < tox; i++) {
      Path dir = root.resolve(".tox/py311/lib/python3.11/site-packages/dist" + (i / 25));
      tree.file(dir.resolve("module_" + i + ".py"), 1500);
    }
    // node_modules: packages whose dependencies nest ten levels deep, six files per package.
    int nodeFiles = total - tree.files;
    int made = 0;
    for (int pkg = 0; made < nodeFiles; pkg++) {
      StringBuilder path = new StringBuilder("node_modules/pkg" + pkg);
      for (int depth = 0; depth < 10 && made < nodeFiles; depth++) {
        Path dir = root.resolve(path.toString());
        for (int f = 0; f < 6 && made < nodeFiles; f++, made++) {
          tree.file(dir.resolve(f == 0 ? "package.json" : "lib/file" + f + ".js"), 1200);
        }
        path.append("/node_modules/dep").append(depth);
      }
    }
    tree.directories = countDirectories(root);
    tree.sourceDirectories =
        countDirectories(root.resolve("src")) + countDirectories(root.resolve("tests")) + 1;
    return tree;
  }

  /** The worst case: {@code total} source files, none of them ignored. */
  static GeneratedTree allSource(Path root, int total, SplittableRandom random) throws IOException {
    GeneratedTree tree = new GeneratedTree(random);
    for (int i = 0; i < total; i++) {
      tree.file(root.resolve("src/p" + (i / 400) + "/m" + (i / 20) + "/f" + i + ".py"), 2048);
    }
    tree.sourceFiles = tree.files;
    tree.directories = countDirectories(root);
    tree.sourceDirectories = tree.directories;
    return tree;
  }

  private void file(Path file, int size) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] content = new byte[size == 0 ? 0 : size / 2 + random.nextInt(size)];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i % 61 == 60 ? '\n' : 'a' + random.nextInt(26));
    }
    Files.write(file, content);
    files++;
    bytes += content.length;
  }

  private static int countDirectories(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (var paths = Files.walk(root)) {
      return (int) paths.filter(Files::isDirectory).count();
    }
  }
}
