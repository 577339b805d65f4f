package dev.toxserver.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toxserver.client.ServerAddress;
import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Knows whether the tox-server answers: a thread of its own PINGs it every second on a socket of
 * its own and reports every change (down, back up). A client whose PING went unanswered is replaced
 * by a new one, so that nothing queued for the old connection reaches a restarted server.
 */
final class ServerMonitor implements AutoCloseable {
  /** How often the server is asked. */
  static final Duration PERIOD = Duration.ofSeconds(1);

  private final ServerAddress address;
  private final String endpoint;
  private final Duration timeout;
  private final BiConsumer<Boolean, String> changed;
  private final Thread thread;
  private volatile boolean reachable;
  private volatile int tasks;
  private volatile String workdir;
  private volatile String message;
  private volatile boolean authFailed;
  private String reportedWorkdir;
  private volatile boolean stopped;
  private boolean known;
  private final Object sleep = new Object();

  /**
   * @param timeout a PING unanswered this long means unreachable; together with the period a server
   *     that goes away is reported within {@code timeout}
   * @param changed told {@code (reachable, message)} on every change (of reachability, or of the
   *     server's working directory), on the monitor's thread
   */
  ServerMonitor(ServerAddress address, Duration timeout, BiConsumer<Boolean, String> changed) {
    this.address = address;
    this.endpoint = address.endpoint();
    Duration t = timeout.minus(PERIOD);
    this.timeout = t.compareTo(Duration.ofMillis(500)) < 0 ? Duration.ofMillis(500) : t;
    this.changed = changed;
    this.thread = new Thread(this::loop, "bridge-server-monitor");
    thread.setDaemon(true);
  }

  /**
   * Asks once, now, briefly (at most a second: an editor waits for this answer), then keeps asking
   * in the background.
   */
  boolean start() {
    Duration first = timeout.compareTo(Duration.ofSeconds(1)) < 0 ? timeout : Duration.ofSeconds(1);
    boolean up = check(first);
    thread.start();
    return up;
  }

  private boolean check() {
    return check(timeout);
  }

  private synchronized boolean check(Duration wait) {
    try (ToxServerClient client = address.connect()) {
      JsonNode pong = client.ping(wait);
      tasks = pong.path("tasks").asInt();
      JsonNode dir = pong.get("workdir"); // ours sends it; an original v1 server does not
      workdir = dir != null && dir.isTextual() ? dir.asText() : null;
      report(true, "tox-server at " + endpoint + " answered");
    } catch (ServerUnreachableException e) {
      authFailed = e instanceof dev.toxserver.client.AuthenticationException;
      report(false, e.getMessage());
    } catch (ServerErrorException | RuntimeException e) {
      report(
          false, "tox-server at " + endpoint + " answered PING with an error: " + e.getMessage());
    }
    return reachable;
  }

  private void report(boolean up, String message) {
    if (stopped) {
      return; // closing: a PING cut short says nothing about the server
    }
    String dir = up ? workdir : null;
    if (up) {
      authFailed = false;
    }
    this.message = message;
    boolean change = !known || up != reachable || !java.util.Objects.equals(dir, reportedWorkdir);
    known = true;
    reachable = up;
    reportedWorkdir = dir;
    if (change) {
      changed.accept(up, message);
    }
  }

  private void loop() {
    while (!stopped) {
      synchronized (sleep) {
        try {
          sleep.wait(PERIOD.toMillis()); // close() wakes it early
        } catch (InterruptedException e) {
          return;
        }
      }
      if (!stopped) {
        check();
      }
    }
  }

  /** Whether the last PING was answered. */
  boolean reachable() {
    return reachable;
  }

  /**
   * The server's working directory from its last PING reply, where its runs' paths begin; null when
   * unreachable or when the server does not say (an original v1 server).
   */
  String workdir() {
    return reachable ? workdir : null;
  }

  /** What the last check found, as the last {@code changed} call said it. */
  String message() {
    return message;
  }

  /** Whether the server is unreachable because authentication failed (see {@link #message()}). */
  boolean authFailed() {
    return !reachable && authFailed;
  }

  /** Runs queued or running on the server at the last PING. */
  int tasks() {
    return tasks;
  }

  /** A run found the server silent: say so now rather than at the next PING. */
  void unreachable(ServerUnreachableException e) {
    synchronized (this) {
      authFailed = e instanceof dev.toxserver.client.AuthenticationException;
      report(false, e.getMessage());
    }
  }

  @Override
  public void close() {
    stopped = true;
    synchronized (sleep) {
      sleep.notifyAll();
    }
    try {
      thread.join(PERIOD.plus(timeout).toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
