package dev.toxserver.rpc;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.jsonrpc.services.JsonRequest;

/**
 * The JSON-RPC API of {@code bridge stdio}, in one place: what the editor may ask ({@link Bridge}),
 * what the bridge tells the editor ({@link Editor}), and every message's fields. Messages are
 * JSON-RPC 2.0 with LSP base-protocol framing ({@code Content-Length} headers) on the bridge's
 * stdin and stdout. docs/bridge-stdio.md is the same reference in prose, with examples.
 */
public final class BridgeApi {
  private BridgeApi() {}

  /** JSON-RPC error codes of this API (besides the standard ones). */
  public static final class Errors {
    private Errors() {}

    /** A request before {@code initialize} (the LSP code). */
    public static final int NOT_INITIALIZED = -32002;

    /** The tox-server cannot be reached; the message says where and what to check. */
    public static final int SERVER_UNREACHABLE = -32001;

    /** The server refused the run (e.g. it is shutting down); the message is the server's. */
    public static final int SERVER_ERROR = -32003;

    /** A request after {@code shutdown}. */
    public static final int SHUT_DOWN = -32004;

    /**
     * Authentication failed or cannot happen: this machine has no key pair yet, the server rejected
     * its key, a key file is broken, or one side uses CURVE and the other does not. The message
     * says what to do — usually {@code bridge auth} in the workspace folder.
     */
    public static final int AUTH_FAILED = -32005;
  }

  /** Requests and notifications from the editor to the bridge. */
  public interface Bridge {
    /** Must come first; anything else before it gets error {@link Errors#NOT_INITIALIZED}. */
    @JsonRequest
    CompletableFuture<InitializeResult> initialize(InitializeParams params);

    /**
     * Runs tox with {@code args} (default: the {@code toxArgs} of initialize) and resolves when it
     * ends. Cancelling the request ({@code $/cancelRequest}) cancels the run on the server
     * (INTERRUPT, its whole process tree ends); the request then fails with the standard
     * RequestCancelled error (-32800), and {@code runFinished} reports {@code cancelled: true}.
     */
    @JsonRequest
    CompletableFuture<RunResult> run(RunParams params);

    /**
     * Cancels run {@code runId} (queued or running), or the current run when it is null, the same
     * way as cancelling a {@code run} request: for runs the editor did not start itself
     * (auto-runs).
     */
    @JsonRequest
    CompletableFuture<CancelResult> cancel(CancelParams params);

    /** CANCEL {"command": "RUN"}: cancels every client's runs on the server. */
    @JsonRequest
    CompletableFuture<CancelAllResult> cancelAll(Empty params);

    /** Turns running on save on or off. */
    @JsonRequest
    CompletableFuture<StatusResult> setAutoRun(SetAutoRunParams params);

    /** What the bridge knows now. */
    @JsonRequest
    CompletableFuture<StatusResult> status(Empty params);

    /** Cancels this bridge's runs and stops watching; then only {@code exit} is accepted. */
    @JsonRequest
    CompletableFuture<Object> shutdown(Empty params);

    /** Exits: 0 after {@code shutdown}, 1 without it (the LSP convention). */
    @JsonNotification
    void exit();
  }

  /** Notifications from the bridge to the editor. Every run notification carries {@code runId}. */
  public interface Editor {
    /** A run was accepted; it starts when the server is free. */
    @JsonNotification
    void runQueued(RunQueued params);

    /** The server started the run's command. */
    @JsonNotification
    void runStarted(RunStarted params);

    /** Output of a run, decoded as UTF-8 per stream, in order; several chunks may be coalesced. */
    @JsonNotification
    void output(Output params);

    /** A run ended (after its last {@code output}). */
    @JsonNotification
    void runFinished(RunFinished params);

    /** The server became reachable or unreachable. */
    @JsonNotification
    void serverStatus(ServerStatus params);

    /** The bridge's own diagnostics (also written to its stderr). */
    @JsonNotification
    void log(Log params);
  }

  // ------------------------------------------------------------------ editor → bridge

  /** An empty params object, for requests that take none. */
  public static final class Empty {}

  /** {@code initialize} params. */
  public static final class InitializeParams {
    /** The project directory: watched for changes, and the run directory in local mode. */
    public String workspaceFolder;

    /** Where the tox-server is; defaults: localhost, TOX_SERVER_PORT, 5 s. */
    public ServerOptions server;

    /** Arguments for tox on every run that does not give its own. */
    public List<String> toxArgs;

    /** Whether a change runs tox (default true). */
    public Boolean autoRun;

    /** What to watch and how. */
    public WatchOptions watch;

    /** The editor's process id: when it dies, the bridge cancels its runs and exits. */
    public Long processId;
  }

  /** Where the tox-server listens. */
  public static final class ServerOptions {
    /** Host name or address (default localhost). */
    public String host;

    /** TCP port (default: TOX_SERVER_PORT of the bridge's environment). */
    public Integer port;

    /** How long the server may stay silent before it counts as unreachable (default 5). */
    public Double timeoutSeconds;
  }

  /** Watch settings. */
  public static final class WatchOptions {
    /** Only files matching one of these gitignore-style patterns start a run. */
    public List<String> include;

    /** Paths matching these never start a run. */
    public List<String> exclude;

    /** Changes less than this far apart make one run (default 100). */
    public Integer debounceMs;

    /** A change during a run: "restart" (default), "queue" or "ignore". */
    public String onChange;
  }

  /** {@code run} params. */
  public static final class RunParams {
    /** Arguments for tox; null: the toxArgs of initialize. */
    public List<String> args;
  }

  /** {@code cancel} params. */
  public static final class CancelParams {
    /** The run to cancel; null: the current run. */
    public Integer runId;
  }

  /** {@code setAutoRun} params. */
  public static final class SetAutoRunParams {
    public boolean enabled;
  }

  // ------------------------------------------------------------------ replies

  /** {@code initialize} result. */
  public static final class InitializeResult {
    public String bridgeVersion;

    /** The tox-server protocol version the bridge speaks. */
    public int protocolVersion;

    /** Whether the server answered a PING just now. */
    public boolean serverReachable;

    /**
     * The server's working directory (where tox runs), from its PING reply: paths in the run's
     * output that start with it are the workspace's files. Absent when the server is unreachable or
     * does not say (an original v1 server).
     */
    public String serverWorkdir;
  }

  /** {@code run} result. */
  public static final class RunResult {
    public int runId;

    /** The command's exit status; negative -N when signal N ended it. */
    public int returncode;

    public boolean cancelled;

    public long durationMs;
  }

  /** {@code cancel} result. */
  public static final class CancelResult {
    /** Whether there was such a run to cancel. */
    public boolean cancelled;
  }

  /** {@code cancelAll} result. */
  public static final class CancelAllResult {
    /** How many runs the server cancelled. */
    public int cancelled;
  }

  /** {@code status} and {@code setAutoRun} result. */
  public static final class StatusResult {
    public boolean serverReachable;

    /** Runs queued or running on the server, all clients (from the last PING). */
    public int serverTasks;

    /**
     * The server's working directory (where tox runs), from its PING reply: paths in the run's
     * output that start with it are the workspace's files. Absent when the server is unreachable or
     * does not say (an original v1 server).
     */
    public String serverWorkdir;

    public boolean autoRun;

    /** The run in flight or next, if any. */
    public CurrentRun currentRun;
  }

  /** A run as {@code status} reports it. */
  public static final class CurrentRun {
    public int runId;

    /** "queued" or "running". */
    public String state;

    /** "manual" or "change". */
    public String trigger;
  }

  // ------------------------------------------------------------------ bridge → editor

  /** {@code runQueued}. */
  public static final class RunQueued {
    public int runId;

    /** "manual" or "change". */
    public String trigger;

    /** The files whose change triggered it, relative to the workspace folder (at most 50). */
    public List<String> changedFiles;
  }

  /** {@code runStarted}. */
  public static final class RunStarted {
    public int runId;
  }

  /** {@code output}. */
  public static final class Output {
    public int runId;

    /** "stdout" or "stderr". */
    public String stream;

    /** The text: UTF-8 decoded per stream, invalid bytes as U+FFFD, ANSI escapes kept. */
    public String text;
  }

  /** {@code runFinished}. */
  public static final class RunFinished {
    public int runId;

    /** The command's exit status (-N for signal N); absent when it never ran (see error). */
    public Integer returncode;

    public boolean cancelled;

    public long durationMs;

    /** Why it did not run to the end: server unreachable or refused; null otherwise. */
    public String error;
  }

  /** {@code serverStatus}. */
  public static final class ServerStatus {
    public boolean reachable;

    /** Why it is unreachable, or where it answered. */
    public String message;

    /** When reachable: the server's working directory, if it says (see {@code serverWorkdir}). */
    public String workdir;

    /**
     * True when unreachable because authentication failed (the message says why and what to do,
     * e.g. run {@code bridge auth}); absent otherwise.
     */
    public Boolean authFailed;
  }

  /** {@code log}. */
  public static final class Log {
    /** "debug", "info", "warning" or "error". */
    public String level;

    public String message;
  }
}
