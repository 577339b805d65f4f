package dev.toxserver.devcontainer;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the dev-container files are, read as the dev-container CLI reads them (JSONC). */
final class DevcontainerFiles {
  private DevcontainerFiles() {}

  /** The repository: the nearest directory above the working directory with .devcontainer/. */
  static final Path REPO = repository();

  static final Path DEVCONTAINER = REPO.resolve(".devcontainer");
  static final Path FEATURE = DEVCONTAINER.resolve("features/tox-server");
  static final Path BRIDGE = REPO.resolve("bridge/bin/bridge");

  /** JSON with comments and trailing commas, as devcontainer.json allows. */
  private static final JsonMapper JSONC =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .build();

  private static Path repository() {
    Path start = Path.of("").toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(".devcontainer/devcontainer.json"))) {
        return p;
      }
    }
    throw new IllegalStateException("no .devcontainer/devcontainer.json above " + start);
  }

  static JsonNode read(Path file) throws IOException {
    return JSONC.readTree(file.toFile());
  }

  static JsonNode devcontainerJson() throws IOException {
    return read(DEVCONTAINER.resolve("devcontainer.json"));
  }

  static JsonNode featureJson() throws IOException {
    return read(FEATURE.resolve("devcontainer-feature.json"));
  }
}
