package dev.toxserver.devcontainer;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;

/** Where the dev-container files are, read as the dev-container CLI reads them (JSONC). */
final class DevcontainerFiles {
  private DevcontainerFiles() {}

  /** The repository: the bridge module's tests run in bridge/. */
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  static final Path DEVCONTAINER = REPO.resolve(".devcontainer");
  static final Path FEATURE = DEVCONTAINER.resolve("features/tox-server");
  static final Path BRIDGE = REPO.resolve("bridge/bin/bridge");

  /** JSON with comments and trailing commas, as devcontainer.json allows. */
  private static final JsonMapper JSONC =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .build();

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
