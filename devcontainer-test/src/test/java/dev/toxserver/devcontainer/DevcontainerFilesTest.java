package dev.toxserver.devcontainer;

import static dev.toxserver.devcontainer.DevcontainerFiles.DEVCONTAINER;
import static dev.toxserver.devcontainer.DevcontainerFiles.FEATURE;
import static dev.toxserver.devcontainer.DevcontainerFiles.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dev-container files carry what the dev-container CLI and VS Code read from them. */
@Timeout(30)
class DevcontainerFilesTest {

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  @Test
  void devcontainerJsonStartsTheServerOnTheForwardedPortAndRecommendsTheExtension()
      throws Exception {
    JsonNode json = DevcontainerFiles.devcontainerJson();

    String port = json.path("containerEnv").path("TOX_SERVER_PORT").asText();
    assertThat(port).matches("\\d+");
    assertThat(texts(json.path("forwardPorts"))).containsExactly(port);
    assertThat(json.path("containerEnv").path("TOX_SERVER_BIND_HOST").asText())
        .as("a forwarded or published port does not reach the container's loopback")
        .isEqualTo("0.0.0.0");
    assertThat(json.path("postStartCommand").asText())
        .contains(".devcontainer/features/tox-server/tox-server-start");
    assertThat(texts(json.path("customizations").path("vscode").path("extensions")))
        .contains("toxserver.tox-server");
    assertThat(DEVCONTAINER.resolve(json.path("build").path("dockerfile").asText()))
        .isRegularFile();
  }

  @Test
  void theRecommendedExtensionIsOurs() throws Exception {
    JsonNode pkg = DevcontainerFiles.read(REPO.resolve("vscode-extension/package.json"));
    assertThat(pkg.path("publisher").asText() + "." + pkg.path("name").asText())
        .isEqualTo("toxserver.tox-server");
  }

  @Test
  void theImageIsDebianWithJdk17MavenNode20PythonToxAndChromium() throws Exception {
    String dockerfile = Files.readString(DEVCONTAINER.resolve("Dockerfile"));
    assertThat(dockerfile)
        .containsPattern("(?m)^FROM \\S+:bookworm")
        .contains(
            "openjdk-17-jdk-headless", " maven", "node:20-", " python3 ", " tox ", " chromium ");
  }

  @Test
  void theFeatureHasItsOptionsAndStartsTheServerFromItsLifecycleHook() throws Exception {
    JsonNode json = DevcontainerFiles.featureJson();
    assertThat(json.path("id").asText()).isEqualTo("tox-server");
    assertThat(json.path("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
    Map<String, String> defaults = Map.of("port", "9876", "command", "tox", "bindHost", "0.0.0.0");
    defaults.forEach(
        (name, value) -> {
          JsonNode option = json.path("options").path(name);
          assertThat(option.path("type").asText()).as(name).isEqualTo("string");
          assertThat(option.path("default").asText()).as(name).isEqualTo(value);
          assertThat(option.path("description").asText()).as(name).isNotBlank();
        });
    assertThat(json.path("postStartCommand").asText()).isEqualTo("tox-server-start");
    assertThat(FEATURE.resolve("install.sh")).isExecutable();
  }

  /** dash is Debian's sh: no bash-isms get through. */
  @ParameterizedTest
  @ValueSource(strings = {"install.sh", "tox-server-start"})
  void theScriptsParseAsPosixSh(String script) throws Exception {
    Path file = FEATURE.resolve(script);
    assertThat(file).isExecutable();
    assertThat(Files.readAllLines(file).get(0)).isEqualTo("#!/bin/sh");
    Shell.CommandResult parsed = Shell.run(List.of("dash", "-n", file.toString()), REPO, Map.of());
    assertThat(parsed.code()).as(parsed.err()).isZero();
  }
}
