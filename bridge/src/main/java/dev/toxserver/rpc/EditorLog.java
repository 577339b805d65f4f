package dev.toxserver.rpc;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The bridge's diagnostics: written to stderr (java.util.logging) and sent to the editor as {@code
 * log} notifications. What lsp4j warns about input it could not read (bad headers, bad JSON without
 * an id to answer) reaches the editor the same way, from {@link #connect} until {@link #close}.
 */
final class EditorLog implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("bridge");

  /** lsp4j's own logger; held so that the handler added to it cannot be collected. */
  private static final Logger LSP4J_LOG = Logger.getLogger("org.eclipse.lsp4j.jsonrpc");

  private volatile BridgeApi.Editor editor;
  private final Handler lsp4jWarnings = new Lsp4jWarnings();

  /** From now on, messages reach {@code editor} too, and so do lsp4j's warnings. */
  void connect(BridgeApi.Editor editor) {
    this.editor = editor;
    LSP4J_LOG.addHandler(lsp4jWarnings);
  }

  /** Logs to stderr and tells the editor; {@code level} is the API's ("error", "warning", ...). */
  void log(String level, String message) {
    LOG.log(
        switch (level) {
          case "error" -> Level.SEVERE;
          case "warning" -> Level.WARNING;
          case "debug" -> Level.FINE;
          default -> Level.INFO;
        },
        message);
    tell(level, message);
  }

  private void tell(String level, String message) {
    BridgeApi.Editor e = editor;
    if (e != null) {
      BridgeApi.Log l = new BridgeApi.Log();
      l.level = level;
      l.message = message;
      e.log(l);
    }
  }

  @Override
  public void close() {
    LSP4J_LOG.removeHandler(lsp4jWarnings);
  }

  /** lsp4j's warnings and errors, as log notifications. */
  private final class Lsp4jWarnings extends Handler {
    /** Sending may make lsp4j log again (the editor gone): that must not loop. */
    private final ThreadLocal<Boolean> inside = ThreadLocal.withInitial(() -> false);

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() < Level.WARNING.intValue() || inside.get()) {
        return;
      }
      inside.set(true);
      try {
        tell(
            record.getLevel().intValue() >= Level.SEVERE.intValue() ? "error" : "warning",
            "Unreadable input from the editor: " + record.getMessage());
      } catch (RuntimeException e) {
        // the editor is gone: stderr has it
      } finally {
        inside.set(false);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
