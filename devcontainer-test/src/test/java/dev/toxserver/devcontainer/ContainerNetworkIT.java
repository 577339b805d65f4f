package dev.toxserver.devcontainer;

import static dev.toxserver.devcontainer.DevcontainerFiles.FEATURE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.process.Executables;
import dev.toxserver.support.Await;
import dev.toxserver.support.FakeTox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network shape of a container with a published port, without Docker: a network namespace (the
 * container's network) joined to the host by a veth pair (docker's bridge), the Feature installed
 * with its default options and its start-up hook run inside the namespace, and the bridge on the
 * host side reaching the server at the namespace's address. Needs root and iproute2; skipped with a
 * message otherwise, failed instead when CI is set.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ContainerNetworkIT {
  @TempDir Path tmp;
  Path prefix;
  Path workspace;

  /** Unique per run: several runs (and other engineers' tests) share this machine. */
  final String id = HexFormat.of().formatHex(randomBytes(3));

  final String namespace = "tsdc-" + id;
  final String hostEnd = "tsh-" + id;
  final String containerEnd = "tsc-" + id;
  String hostAddress;
  String containerAddress;
  boolean created;

  @BeforeEach
  void createTheContainersNetwork() throws Exception {
    prefix = Files.createDirectories(tmp.resolve("prefix"));
    workspace = Files.createDirectories(tmp.resolve("workspace"));
    if (Executables.onPath("ip").isEmpty()) {
      unavailable("the 'ip' command is missing: apt-get install iproute2");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      unavailable(
          "network namespaces need root ('ip netns add'); running as "
              + System.getProperty("user.name"));
    }
    String subnet = freeSubnet();
    hostAddress = subnet + ".1";
    containerAddress = subnet + ".2";
    Shell.CommandResult add = ip("netns", "add", namespace);
    if (add.code() != 0) {
      unavailable("'ip netns add' is not allowed here: " + add.err().strip());
    }
    created = true;
    must(ip("link", "add", hostEnd, "type", "veth", "peer", "name", containerEnd));
    must(ip("link", "set", containerEnd, "netns", namespace));
    must(ip("addr", "add", hostAddress + "/24", "dev", hostEnd));
    must(ip("link", "set", hostEnd, "up"));
    must(inNamespace("ip", "addr", "add", containerAddress + "/24", "dev", containerEnd));
    must(inNamespace("ip", "link", "set", containerEnd, "up"));
    // A container's loopback is up: the start script pings the server there.
    must(inNamespace("ip", "link", "set", "lo", "up"));
  }

  @AfterEach
  void deleteTheNetworkAndEverythingInIt() throws Exception {
    if (!created) {
      return;
    }
    try {
      // Everything started in the namespace: the server (its own session) and anything it ran.
      // Killing a group can race with a fork in it: kill what is there until nothing is.
      Await.until(
          () -> {
            List<Long> pids = pidsInNamespace();
            for (long pid : pids) {
              Shell.run(List.of("kill", "-KILL", "--", "-" + pid), tmp, Map.of()); // its group
              ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            for (long pid : pids) {
              ProcessHandle.of(pid)
                  .ifPresent(p -> p.onExit().orTimeout(5, TimeUnit.SECONDS).join());
            }
            return pidsInNamespace().isEmpty();
          },
          Duration.ofSeconds(60),
          () -> "no processes left in " + namespace);
    } finally {
      ip("link", "del", hostEnd); // deletes both ends of the pair
      must(ip("netns", "del", namespace));
      assertThat(ip("netns", "list").out()).doesNotContain(namespace);
      assertThat(ip("link", "show", hostEnd).code()).isNotZero();
    }
  }

  @Test
  void theBridgeOnTheHostRunsTestsThroughTheServerTheFeatureStartedInTheContainer()
      throws Exception {
    // The Feature as a user adds it: only the port set, bindHost left at its default (0.0.0.0).
    int port = 20000 + Integer.parseInt(id.substring(0, 3), 16) % 40000;
    Shell.CommandResult install =
        Shell.run(
            List.of("dash", FEATURE.resolve("install.sh").toString()),
            tmp,
            Map.of(
                "PREFIX", prefix.toString(),
                "PORT", Integer.toString(port),
                "COMMAND", "/bin/sh " + FakeTox.script()));
    must(install);
    assertThat(install.out()).contains("bind 0.0.0.0");

    String hook = DevcontainerFiles.featureJson().path("postStartCommand").asText();
    Map<String, String> containerEnv =
        Map.of("PATH", prefix.resolve("bin") + ":" + System.getenv("PATH"));
    Shell.CommandResult started = startHook(hook, containerEnv);
    assertThat(started.out()).contains("started tox-server");

    // Bound to a non-loopback address, the server turned authentication on: a bridge that the
    // project has not authorised is refused, and 'bridge auth' in the (bind-mounted) workspace
    // authorises it, as users do.
    assertThat(workspace.resolve(".tox-server/server.key")).exists();
    String p = Integer.toString(port);
    Shell.CommandResult refused =
        bridge("-h", containerAddress, "-p", p, "run", "--", "echo", "refused");
    assertThat(refused.code()).as(refused.all()).isEqualTo(77);
    assertThat(refused.err()).contains("bridge auth");
    Shell.CommandResult auth = bridge("auth");
    assertThat(auth.code()).as(auth.all()).isZero();
    Shell.CommandResult run =
        bridge("-h", containerAddress, "-p", p, "run", "--", "echo", "from", "ns");
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.out()).isEqualTo("from\nns\n");
    assertThat(run.err()).contains("[DONE] passed in");

    Shell.CommandResult failing = bridge("-h", containerAddress, "-p", p, "run", "--", "exit", "5");
    assertThat(failing.code()).isEqualTo(5);
    assertThat(failing.out()).isEqualTo("exiting with 5\n");

    Shell.CommandResult ping = bridge("-h", containerAddress, "-p", p, "ping");
    assertThat(ping.code()).as(ping.all()).isZero();
    assertThat(ping.out()).contains("\"workdir\":\"" + workspace.toRealPath() + "\"");

    // The host's own loopback is another network: nothing listens there.
    Shell.CommandResult hostLoopback = bridge("-p", p, "-t", "1", "ping");
    assertThat(hostLoopback.code()).isEqualTo(69);

    // The next container start finds it running.
    Shell.CommandResult again = startHook(hook, containerEnv);
    assertThat(again.out()).contains("already answers");
    assertThat(pidsInNamespace()).hasSize(1);
  }

  /** The host side's bridge, its key pair in the test's own config folder, not the user's. */
  private Shell.CommandResult bridge(String... args) throws Exception {
    return Shell.bridge(
        workspace, Map.of("XDG_CONFIG_HOME", tmp.resolve("host-config").toString()), args);
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  /** The hook as the dev-container CLI runs it, inside the "container". */
  private Shell.CommandResult startHook(String hook, Map<String, String> env) throws Exception {
    Shell.CommandResult r =
        Shell.start(List.of("ip", "netns", "exec", namespace, "sh", "-c", hook), workspace, env)
            .await(Duration.ofSeconds(90));
    assertThat(r.code()).as(r.all()).isZero();
    return r;
  }

  private static void unavailable(String why) {
    String ci = System.getenv("CI");
    String message = "Skipping the container-network test: " + why;
    if (ci != null && !ci.isEmpty() && !ci.equals("false")) {
      throw new AssertionError("CI must run it. " + message);
    }
    Assumptions.abort(message);
  }

  /** A 10.231.N.0/24 that no interface of this machine uses yet. */
  private String freeSubnet() throws Exception {
    String used = ip("-o", "-4", "addr", "show").out();
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 256; i++) {
      String subnet = "10.231." + random.nextInt(256);
      if (!used.contains(" " + subnet + ".")) {
        return subnet;
      }
    }
    throw new AssertionError("no free 10.231.N.0/24 on this machine");
  }

  private List<Long> pidsInNamespace() throws Exception {
    List<Long> pids = new ArrayList<>();
    for (String line : ip("netns", "pids", namespace).out().split("\n")) {
      if (!line.isBlank()) {
        pids.add(Long.parseLong(line.strip()));
      }
    }
    return pids;
  }

  private Shell.CommandResult ip(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    return Shell.run(cmd, tmp, Map.of());
  }

  private Shell.CommandResult inNamespace(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("netns", "exec", namespace));
    cmd.addAll(List.of(args));
    return ip(cmd.toArray(String[]::new));
  }

  private static void must(Shell.CommandResult r) throws IOException {
    assertThat(r.code()).as(r.all()).isZero();
  }
}
