import { ChildProcess, spawn } from 'child_process';
import {
  CancellationToken,
  ErrorCodes as JsonRpcErrorCodes,
  MessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
} from 'vscode-jsonrpc/node';
import { Emitter } from './events';
import {
  BridgeNotifications,
  InitializeParams,
  InitializeResult,
  RunResult,
  StatusResult,
} from './protocol';

/** How to start the bridge: a program, its arguments and its environment. */
export interface BridgeLaunch {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

/** How a bridge process ended. */
export interface BridgeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when we asked it to stop (shutdown/exit or kill), false when it died by itself. */
  expected: boolean;
}

/** A notification from the bridge, tagged with its method. */
export type BridgeNotification = {
  [M in keyof BridgeNotifications]: { method: M; params: BridgeNotifications[M] };
}[keyof BridgeNotifications];

/** Thrown when the bridge cannot be started or initialized; the message says what to check. */
export class BridgeStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeStartError';
  }
}

const METHODS: Array<keyof BridgeNotifications> = [
  'runQueued',
  'runStarted',
  'output',
  'runFinished',
  'serverStatus',
  'log',
];

/**
 * One running `bridge stdio` process and its JSON-RPC connection. Needs no vscode, so the
 * integration tests drive it against a real bridge.
 */
export class BridgeConnection {
  private readonly notificationEmitter = new Emitter<BridgeNotification>();
  private readonly stderrEmitter = new Emitter<string>();
  private readonly exitEmitter = new Emitter<BridgeExit>();
  private stopping = false;
  private exitInfo: BridgeExit | undefined;

  /** Every notification, in the order the bridge sent them. */
  readonly onNotification = this.notificationEmitter.event;
  /** The bridge's stderr (its log), chunk by chunk. */
  readonly onStderr = this.stderrEmitter.event;
  /** Fires once, when the process has exited. */
  readonly onExit = this.exitEmitter.event;
  /** Resolves when the process has exited. */
  readonly exited: Promise<BridgeExit>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: MessageConnection,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        this.exitInfo = { code, signal, expected: this.stopping };
        this.connection.dispose();
        this.exitEmitter.fire(this.exitInfo);
        resolve(this.exitInfo);
      });
    });
    for (const method of METHODS) {
      connection.onNotification(method, (params: unknown) =>
        this.notificationEmitter.fire({ method, params } as BridgeNotification),
      );
    }
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.stderrEmitter.fire(chunk));
  }

  /** The bridge's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /**
   * Starts the bridge and connects to it; the caller subscribes to events and then calls
   * {@link initialize}. Fails with a {@link BridgeStartError} when the program cannot be started.
   */
  static async start(launch: BridgeLaunch): Promise<BridgeConnection> {
    const child = spawn(launch.command, launch.args, {
      env: launch.env,
      cwd: launch.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (error) =>
        reject(
          new BridgeStartError(
            `Could not start the bridge '${launch.command}': ${error.message}. ` +
              'Check the setting toxServer.bridgePath (and toxServer.javaHome).',
          ),
        ),
      );
    });
    // A write to a bridge that has just died fails with EPIPE; its exit is reported instead.
    child.stdin?.on('error', () => undefined);
    if (!child.stdout || !child.stdin) {
      throw new BridgeStartError('The bridge was started without pipes');
    }
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    const bridge = new BridgeConnection(child, connection);
    connection.listen();
    return bridge;
  }

  /** Sends `initialize`; fails when the bridge exits first. */
  async initialize(params: InitializeParams): Promise<InitializeResult> {
    const died = this.exited.then((exit) => {
      throw new BridgeStartError(
        `The bridge exited during start-up (${describeExit(exit)}); its log is in the output channel 'Tox Server'.`,
      );
    });
    const sent = this.connection.sendRequest<InitializeResult>('initialize', params).catch(async (error: unknown) => {
      const transport = [
        JsonRpcErrorCodes.MessageWriteError,
        JsonRpcErrorCodes.PendingResponseRejected,
        JsonRpcErrorCodes.ConnectionInactive,
      ] as number[];
      if (error instanceof ResponseError && !transport.includes(error.code)) {
        throw error; // the bridge answered: its error is the news
      }
      // The pipe broke under the write: the bridge is dying. How it ended (exit code, its log) says
      // more than "write after end", so wait a moment for that.
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([
        this.exited,
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 1000))),
      ]);
      clearTimeout(timer);
      if (exit) {
        throw new BridgeStartError(
          `The bridge exited during start-up (${describeExit(exit)}); its log is in the output channel 'Tox Server'.`,
        );
      }
      throw error;
    });
    return Promise.race([sent, died]);
  }

  /** Runs tox; resolves when the run has ended. Cancelling the token cancels the run. */
  run(args: string[] | undefined, token?: CancellationToken): Promise<RunResult> {
    const params = args === undefined ? {} : { args };
    return token === undefined
      ? this.connection.sendRequest<RunResult>('run', params)
      : this.connection.sendRequest<RunResult>('run', params, token);
  }

  /** Cancels a run (default: the current one); false when there was no such run. */
  async cancel(runId?: number): Promise<boolean> {
    const result = await this.connection.sendRequest<{ cancelled: boolean }>(
      'cancel',
      runId === undefined ? {} : { runId },
    );
    return result.cancelled;
  }

  setAutoRun(enabled: boolean): Promise<StatusResult> {
    return this.connection.sendRequest<StatusResult>('setAutoRun', { enabled });
  }

  status(): Promise<StatusResult> {
    return this.connection.sendRequest<StatusResult>('status', {});
  }

  /**
   * Stops the bridge: shutdown and exit, then waits up to `timeoutMs` for it to exit and kills
   * it if it has not.
   */
  async stop(timeoutMs = 2000): Promise<BridgeExit> {
    if (this.exitInfo) {
      return this.exitInfo;
    }
    this.stopping = true;
    const deadline = delay(timeoutMs);
    try {
      await Promise.race([
        this.connection.sendRequest('shutdown', {}).then(() => this.connection.sendNotification('exit')),
        this.exited,
        deadline.promise,
      ]);
    } catch {
      // The connection is gone or the bridge refused: it is killed below if it still runs.
    }
    const exit = await Promise.race([this.exited, deadline.promise.then(() => undefined)]);
    deadline.cancel();
    if (exit) {
      return exit;
    }
    this.kill();
    return this.exited;
  }

  /** Kills the process at once (SIGKILL). */
  kill(): void {
    this.stopping = true;
    if (this.alive) {
      this.child.kill('SIGKILL');
    }
  }
}

/** Whether an error from a request is the bridge's answer to a cancelled request. */
export function isCancelledError(error: unknown): boolean {
  return error instanceof ResponseError && error.code === -32800;
}

/** The JSON-RPC error code of a failed request, if it has one. */
export function errorCode(error: unknown): number | undefined {
  return error instanceof ResponseError ? error.code : undefined;
}

export function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`;
}

function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
