/**
 * The JSON-RPC API of `bridge stdio` (docs/bridge-stdio.md in the repository), as TypeScript types.
 * Fields written `?` may be left out by the bridge.
 */

/** `initialize` params. */
export interface InitializeParams {
  /** The project directory: watched for changes. */
  workspaceFolder: string;
  /** Where the tox-server is; fields left out take the bridge's defaults (its environment). */
  server?: { host?: string; port?: number; timeoutSeconds?: number };
  /** Arguments for tox on every run that does not give its own. */
  toxArgs?: string[];
  /** Whether a change runs tox. */
  autoRun?: boolean;
  watch?: {
    include?: string[];
    exclude?: string[];
    debounceMs?: number;
    onChange?: OnChange;
  };
  /** The editor's process id: when it dies, the bridge cancels its runs and exits. */
  processId?: number;
}

export type OnChange = 'restart' | 'queue' | 'ignore';

/** `initialize` result. */
export interface InitializeResult {
  bridgeVersion: string;
  protocolVersion: number;
  serverReachable: boolean;
  /** The server's working directory, when the server told it (newer bridges only). */
  serverWorkdir?: string;
}

/** `run` result: sent when the run has ended. */
export interface RunResult {
  runId: number;
  returncode: number;
  cancelled: boolean;
  durationMs: number;
}

/** `status` result (also the result of `setAutoRun`). */
export interface StatusResult {
  serverReachable: boolean;
  serverTasks: number;
  autoRun: boolean;
  currentRun?: { runId: number; state: 'queued' | 'running'; trigger: Trigger };
  serverWorkdir?: string;
}

export type Trigger = 'manual' | 'change';

export interface RunQueued {
  runId: number;
  trigger: Trigger;
  /** Paths relative to the workspace folder, at most 50. */
  changedFiles: string[];
}

export interface RunStarted {
  runId: number;
}

export interface RunOutput {
  runId: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface RunFinished {
  runId: number;
  /** Absent when the command never ran (cancelled while queued, or `error`). */
  returncode?: number;
  cancelled: boolean;
  durationMs: number;
  error?: string;
}

export interface ServerStatus {
  reachable: boolean;
  message?: string;
  workdir?: string;
  /** True when it is unreachable because the server rejected this machine's key. */
  authFailed?: boolean;
}

export interface LogMessage {
  level: 'debug' | 'info' | 'warning' | 'error';
  message: string;
}

/** Every notification the bridge sends, by method name. */
export interface BridgeNotifications {
  runQueued: RunQueued;
  runStarted: RunStarted;
  output: RunOutput;
  runFinished: RunFinished;
  serverStatus: ServerStatus;
  log: LogMessage;
}

/** JSON-RPC error codes the bridge answers with. */
export const ErrorCodes = {
  RequestCancelled: -32800,
  ServerUnreachable: -32001,
  NotInitialized: -32002,
  ServerError: -32003,
  ShutDown: -32004,
  /** Authentication failed or cannot happen (no key pair yet, key rejected): run `bridge auth`. */
  AuthFailed: -32005,
} as const;
