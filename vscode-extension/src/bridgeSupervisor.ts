import { BridgeConnection, BridgeLaunch, BridgeNotification, describeExit, errorCode } from './bridgeConnection';
import { Emitter } from './events';
import { ErrorCodes, InitializeParams, InitializeResult } from './protocol';

/** How the supervisor starts the bridge and how patient it is with crashes. */
export interface SupervisorOptions {
  /** Read at every start, so changed settings take effect on the next one. */
  launch: () => BridgeLaunch;
  initializeParams: () => InitializeParams;
  /** Restarts allowed within `windowMs` before giving up (default 3). */
  maxRestarts?: number;
  windowMs?: number;
  /** Pause before a restart, so a bridge that dies at once does not spin (default 300 ms). */
  restartDelayMs?: number;
  /** How long a stopping bridge may take before it is killed (default 2000 ms). */
  stopTimeoutMs?: number;
  now?: () => number;
}

/** A bridge that answered initialize. */
export interface BridgeStarted {
  connection: BridgeConnection;
  result: InitializeResult;
}

/** A bridge died (or could not start) by itself. */
export interface BridgeFailure {
  reason: string;
  /** False when the restart budget is spent: the supervisor has given up. */
  restarting: boolean;
  /**
   * Set when initialize failed because this machine is not authorised (-32005, e.g. no key pair
   * yet): the bridge's message. Then the supervisor does not restart it; authorising and
   * restarting is the user's move.
   */
  notAuthorised?: string;
}

/**
 * Keeps one `bridge stdio` alive: starts and initializes it, restarts it when it dies (at most
 * `maxRestarts` times within `windowMs`), and stops it. Needs no vscode.
 */
export class BridgeSupervisor {
  private readonly notificationEmitter = new Emitter<BridgeNotification>();
  private readonly logEmitter = new Emitter<string>();
  private readonly startedEmitter = new Emitter<BridgeStarted>();
  private readonly failureEmitter = new Emitter<BridgeFailure>();
  private readonly maxRestarts: number;
  private readonly windowMs: number;
  private readonly restartDelayMs: number;
  private readonly stopTimeoutMs: number;
  private readonly now: () => number;

  /** Bumped by every start and stop: events of an older bridge are ignored. */
  private generation = 0;
  private running: BridgeConnection | undefined;
  private initialized: BridgeConnection | undefined;
  private restartTimes: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private wanted = false;

  /** Notifications of the current bridge. */
  readonly onNotification = this.notificationEmitter.event;
  /** The bridge's stderr, chunk by chunk. */
  readonly onLog = this.logEmitter.event;
  /** A bridge answered initialize (at start and after every restart). */
  readonly onStarted = this.startedEmitter.event;
  /** A bridge died by itself, or could not be started. */
  readonly onFailure = this.failureEmitter.event;

  constructor(private readonly options: SupervisorOptions) {
    this.maxRestarts = options.maxRestarts ?? 3;
    this.windowMs = options.windowMs ?? 60_000;
    this.restartDelayMs = options.restartDelayMs ?? 300;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  /** The bridge that answered initialize, while it runs. */
  get connection(): BridgeConnection | undefined {
    return this.initialized;
  }

  /**
   * Whether a bridge runs or is (re)starting; false once stopped, given up, or when this machine
   * is not authorised.
   */
  get supervising(): boolean {
    return this.wanted;
  }

  /** Starts a bridge (when none runs) and resolves with its initialize result; undefined when it failed. */
  async start(): Promise<InitializeResult | undefined> {
    this.wanted = true;
    clearTimeout(this.restartTimer);
    const generation = ++this.generation;
    let connection: BridgeConnection;
    try {
      connection = await BridgeConnection.start(this.options.launch());
    } catch (error) {
      this.failed(generation, messageOf(error));
      return undefined;
    }
    if (generation !== this.generation) {
      connection.kill();
      return undefined;
    }
    this.running = connection;
    connection.onNotification((n) => {
      if (this.running === connection) {
        this.notificationEmitter.fire(n);
      }
    });
    connection.onStderr((text) => this.logEmitter.fire(text));
    connection.onExit((exit) => {
      if (this.running === connection && !exit.expected) {
        this.running = undefined;
        this.initialized = undefined;
        this.failed(generation, `the bridge stopped (${describeExit(exit)})`);
      }
    });
    try {
      const result = await connection.initialize(this.options.initializeParams());
      if (this.running !== connection) {
        return undefined;
      }
      this.initialized = connection;
      this.startedEmitter.fire({ connection, result });
      return result;
    } catch (error) {
      if (this.running === connection) {
        this.running = undefined;
        connection.kill();
        if (errorCode(error) === ErrorCodes.AuthFailed) {
          this.notAuthorised(generation, messageOf(error));
        } else {
          this.failed(generation, `initialize failed: ${messageOf(error)}`);
        }
      }
      return undefined;
    }
  }

  /** Stops the bridge that runs (shutdown, exit, then a kill after the timeout) and starts a new one. */
  async restart(): Promise<InitializeResult | undefined> {
    this.restartTimes = [];
    await this.stop();
    return this.start();
  }

  /** Stops the bridge and restarts nothing. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.generation++;
    clearTimeout(this.restartTimer);
    const connection = this.running;
    this.running = undefined;
    this.initialized = undefined;
    if (connection) {
      await connection.stop(this.stopTimeoutMs);
    }
  }

  dispose(): void {
    this.notificationEmitter.dispose();
    this.logEmitter.dispose();
    this.startedEmitter.dispose();
    this.failureEmitter.dispose();
  }

  /** No restart can help until the user authorises this machine: stop and say so. */
  private notAuthorised(generation: number, message: string): void {
    if (!this.wanted || generation !== this.generation) {
      return;
    }
    this.wanted = false;
    this.failureEmitter.fire({ reason: `initialize failed: ${message}`, restarting: false, notAuthorised: message });
  }

  private failed(generation: number, reason: string): void {
    if (!this.wanted || generation !== this.generation) {
      return;
    }
    const now = this.now();
    this.restartTimes = this.restartTimes.filter((t) => now - t < this.windowMs);
    const restarting = this.restartTimes.length < this.maxRestarts;
    if (restarting) {
      this.restartTimes.push(now);
      this.restartTimer = setTimeout(() => {
        if (this.wanted && generation === this.generation) {
          void this.start();
        }
      }, this.restartDelayMs);
    } else {
      this.wanted = false;
    }
    this.failureEmitter.fire({ reason, restarting });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
