package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.protocol.Protocol;
import dev.toxserver.protocol.Stream;
import dev.toxserver.support.AsyncClient;
import dev.toxserver.support.Await;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.Recorder;
import dev.toxserver.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty clients on real connections, each running a command that prints a megabyte of its own:
 * every client gets exactly its bytes, the runs happen in the order they were asked for, and PING
 * is answered throughout. (How fast PING is answered under this load is the benchmark's business:
 * {@code server/bin/benchmark}.)
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentClientsTest {
  private static final int CLIENTS = 50;
  private static final int BYTES = 1 << 20;
  private static final Duration T = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** What fake-tox {@code bytes NAME N} prints: "NAME\n" over and over, cut at N bytes. */
  static String expectedSha256(String name, int size) throws Exception {
    byte[] line = (name + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[size];
    for (int i = 0; i < size; i++) {
      all[i] = line[i % line.length];
    }
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all));
  }

  private static int tasks(ToxServerClient client) {
    try {
      return client.ping(T).path("tasks").asInt();
    } catch (Exception e) {
      throw new AssertionError("PING failed: " + e, e);
    }
  }

  @Test
  void fiftyClientsEachGetExactlyTheirOwnMegabyteInTheOrderTheyAsked() throws Exception {
    Path log = dir.resolve("runs.log");
    Path release = dir.resolve("release");
    try (TestServer server = TestServer.start(FakeTox.loggingTo(log), dir);
        ToxServerClient pinger = new ToxServerClient(server.endpoint)) {
      // The first run holds the queue, so that the others queue up in the order they are sent.
      AsyncClient holder =
          AsyncClient.run(server.endpoint, List.of("wait-for", release.toString()));
      holder.recorder.awaitStdout("waiting for", T);

      List<AsyncClient> clients = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        String name = String.format("client-%02d", i);
        names.add(name);
        clients.add(
            AsyncClient.run(
                server.endpoint,
                Protocol.VERSION,
                List.of("bytes", name, Integer.toString(BYTES)),
                null,
                new Recorder(false)));
        // The next request goes out only once the server holds this one: 1 + i + 1 tasks.
        int tasks = i + 2;
        Await.until(() -> tasks(pinger) >= tasks, T, "the server to have queued " + name);
      }

      // PING on a connection of its own, all through the load.
      AtomicBoolean loadDone = new AtomicBoolean();
      AtomicInteger pongs = new AtomicInteger();
      AtomicReference<Throwable> pingFailure = new AtomicReference<>();
      Thread pings =
          new Thread(
              () -> {
                try (ToxServerClient c = new ToxServerClient(server.endpoint)) {
                  while (!loadDone.get()) {
                    c.ping(Duration.ofSeconds(10));
                    pongs.incrementAndGet();
                  }
                } catch (Throwable e) {
                  pingFailure.set(e);
                }
              },
              "pinger");
      pings.start();

      Files.createFile(release);
      assertThat(holder.await(T).returncode()).isZero();
      List<FinishedRun> results = new ArrayList<>();
      for (AsyncClient c : clients) {
        results.add(c.await(T));
      }
      int pongsDuringLoad = pongs.get();
      loadDone.set(true);
      pings.join(T.toMillis());

      for (int i = 0; i < CLIENTS; i++) {
        Recorder r = clients.get(i).recorder;
        assertThat(results.get(i).returncode()).as(names.get(i)).isZero();
        assertThat(r.stdoutCount()).as(names.get(i) + " bytes").isEqualTo(BYTES);
        assertThat(r.stderrCount()).as(names.get(i) + " stderr").isZero();
        assertThat(r.sha256(Stream.STDOUT))
            .as(names.get(i) + " SHA-256")
            .isEqualTo(expectedSha256(names.get(i), BYTES));
      }
      List<String> expectedOrder = new ArrayList<>();
      expectedOrder.add("wait-for " + release);
      names.forEach(n -> expectedOrder.add("bytes " + n + " " + BYTES));
      assertThat(Files.readAllLines(log)).containsExactlyElementsOf(expectedOrder);
      assertThat(pingFailure.get()).as("PING during the load").isNull();
      assertThat(pongsDuringLoad).as("PINGs answered during the load").isPositive();
    }
  }
}
