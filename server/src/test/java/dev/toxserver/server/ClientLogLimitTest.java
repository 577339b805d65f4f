package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.protocol.Route;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rate limit behind the server's log lines about clients. */
class ClientLogLimitTest {
  @Test
  void eachClientGetsFiveLinesPerWindowAndTheNextWindowSaysHowManyWereLeftOut() {
    AtomicLong now = new AtomicLong();
    ClientLogLimit limit = new ClientLogLimit(now::get);
    Route a = Route.of(new byte[] {0, 1});
    Route b = Route.of(new byte[] {0, 2});
    for (int i = 0; i < 4; i++) {
      assertThat(limit.admit(a)).isEmpty();
    }
    assertThat(limit.admit(a)).contains("more are not logged for now");
    assertThat(limit.admit(a)).isNull();
    assertThat(limit.admit(a)).isNull();
    assertThat(limit.admit(b)).as("another client").isEmpty();
    now.addAndGet(TimeUnit.SECONDS.toNanos(ClientLogLimit.WINDOW_SECONDS));
    assertThat(limit.admit(a)).contains("2 lines from this client not logged");
  }

  @Test
  void allClientsTogetherGetFiftyLinesPerWindow() {
    AtomicLong now = new AtomicLong();
    ClientLogLimit limit = new ClientLogLimit(now::get);
    int admitted = 0;
    for (int i = 0; i < 200; i++) {
      if (limit.admit(Route.of(new byte[] {0, (byte) i, (byte) (i >> 8)})) != null) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(ClientLogLimit.ALL_CLIENTS);
  }
}
