package dev.toxserver.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WakeupTest {

  @Test
  @Timeout(10)
  void wakeMakesTheChannelReadableUntilCleared() throws Exception {
    try (Wakeup wakeup = new Wakeup();
        Selector selector = Selector.open()) {
      wakeup.channel().register(selector, SelectionKey.OP_READ);
      assertThat(selector.selectNow()).isZero();

      wakeup.wake();
      wakeup.wake();
      assertThat(selector.select(1000)).isEqualTo(1);

      wakeup.clear();
      selector.selectedKeys().clear();
      assertThat(selector.selectNow()).isZero();

      wakeup.wake();
      assertThat(selector.select(1000)).isEqualTo(1);
    }
  }

  /**
   * The owner's loop under a stream of hand-overs, as the server's loop sees its output pumps: wait
   * for the channel, clear, take the work. A wake() that lands while the owner clears must never be
   * lost: losing one used to leave the wake-up stuck "pending" with nothing to read, after which
   * every wake() was a no-op and the owner slept until its own timeouts (a stalled output stream).
   */
  @Test
  @Timeout(60)
  void noWakeIsLostWhileTheOwnerClears() throws Exception {
    int items = 200_000;
    try (Wakeup wakeup = new Wakeup();
        Selector selector = Selector.open()) {
      wakeup.channel().register(selector, SelectionKey.OP_READ);
      ConcurrentLinkedQueue<Integer> work = new ConcurrentLinkedQueue<>();
      Thread producer =
          new Thread(
              () -> {
                for (int i = 0; i < items; i++) {
                  work.add(i);
                  wakeup.wake();
                }
              },
              "producer");
      producer.start();
      int taken = 0;
      while (taken < items) {
        if (selector.select(2000) == 0) {
          assertThat(work)
              .as("work waiting, but no wake-up for 2 s after %d items", taken)
              .isEmpty();
          continue;
        }
        selector.selectedKeys().clear();
        wakeup.clear();
        while (work.poll() != null) {
          taken++;
        }
      }
      producer.join();
    }
  }
}
