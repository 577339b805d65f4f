import * as vscode from 'vscode';

/** What the status bar item shows. */
export type StatusState =
  | { kind: 'starting' }
  | { kind: 'idle' }
  | { kind: 'queued' }
  | { kind: 'running'; startedAt: number }
  | { kind: 'passed' }
  | { kind: 'failed'; returncode: number }
  | { kind: 'cancelled' }
  | { kind: 'error' }
  | { kind: 'unreachable' }
  | { kind: 'stopped' }
  /** The server does not accept this machine (yet): `message` says why, the click authorises. */
  | { kind: 'notAuthorised'; message: string };

/** What the tooltip tells besides the state. */
export interface StatusDetails {
  serverAddress: string;
  lastResult: string | undefined;
  autoRun: boolean;
  /** Extra lines, e.g. which folder of a multi-root workspace is used. */
  notes: string[];
}

/** Time, injectable so tests can drive the elapsed-seconds timer. */
export interface Clock {
  now(): number;
  every(ms: number, tick: () => void): { dispose(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    return { dispose: () => clearInterval(timer) };
  },
};

/** The status bar text of a state, e.g. `$(sync~spin) tox: running 3s`. */
export function statusText(state: StatusState, now: number): string {
  switch (state.kind) {
    case 'starting':
      return '$(loading~spin) tox: starting';
    case 'idle':
      return '$(beaker) tox';
    case 'queued':
      return '$(clock) tox: queued';
    case 'running':
      return `$(sync~spin) tox: running ${Math.max(0, Math.floor((now - state.startedAt) / 1000))}s`;
    case 'passed':
      return '$(pass) tox: passed';
    case 'failed':
      return `$(error) tox: failed (exit ${state.returncode})`;
    case 'cancelled':
      return '$(circle-slash) tox: cancelled';
    case 'error':
      return '$(error) tox: error';
    case 'unreachable':
      return '$(warning) tox: server unreachable';
    case 'stopped':
      return '$(debug-disconnect) tox: bridge stopped';
    case 'notAuthorised':
      return '$(key) tox: not authorised';
  }
}

/** The text without its icon, for screen readers: "tox: running 3s". */
export function withoutIcons(text: string): string {
  return text.replace(/\$\([^)]*\)\s*/g, '').trim();
}

function backgroundOf(state: StatusState): vscode.ThemeColor | undefined {
  switch (state.kind) {
    case 'failed':
    case 'error':
      return new vscode.ThemeColor('statusBarItem.errorBackground');
    case 'unreachable':
    case 'stopped':
    case 'notAuthorised':
      return new vscode.ThemeColor('statusBarItem.warningBackground');
    default:
      return undefined;
  }
}

/**
 * The status bar item "toxServer.status": the state of the current run (running seconds tick
 * every second), a click that cancels a queued or running run, authorises this machine when the
 * server does not accept it, and otherwise shows the terminal,
 * and a tooltip with the server address, the last result and auto-run.
 */
export class ToxStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  /** Until the bridge has answered initialize: saves before that start no run. */
  private state: StatusState = { kind: 'starting' };
  private details: StatusDetails;
  private ticker: { dispose(): void } | undefined;

  constructor(
    details: StatusDetails,
    private readonly clock: Clock = systemClock,
  ) {
    this.details = details;
    this.item = vscode.window.createStatusBarItem('toxServer.status', vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'Tox Server';
    this.render();
    this.item.show();
  }

  get current(): StatusState {
    return this.state;
  }

  /** Whether a click cancels (a run is queued or running). */
  get busy(): boolean {
    return this.state.kind === 'queued' || this.state.kind === 'running';
  }

  show(state: StatusState): void {
    this.state = state;
    this.ticker?.dispose();
    this.ticker = undefined;
    if (state.kind === 'running') {
      this.ticker = this.clock.every(1000, () => this.render());
    }
    this.render();
  }

  update(details: Partial<StatusDetails>): void {
    this.details = { ...this.details, ...details };
    this.render();
  }

  dispose(): void {
    this.ticker?.dispose();
    this.item.dispose();
  }

  private render(): void {
    const text = statusText(this.state, this.clock.now());
    this.item.text = text;
    this.item.accessibilityInformation = { label: withoutIcons(text) };
    this.item.backgroundColor = backgroundOf(this.state);
    const notAuthorised = this.state.kind === 'notAuthorised' ? this.state : undefined;
    this.item.command = this.busy
      ? { command: 'toxServer.cancel', title: 'Cancel Run' }
      : notAuthorised
        ? { command: 'toxServer.authorize', title: 'Authorise This Machine With the Server' }
        : { command: 'toxServer.showOutput', title: 'Show Output' };
    const lines = [
      `Tox Server at ${this.details.serverAddress}`,
      ...(notAuthorised ? [`Not authorised: ${notAuthorised.message}`] : []),
      `Last result: ${this.details.lastResult ?? 'none yet'}`,
      `Auto-run: ${this.details.autoRun ? 'on' : 'off'}`,
      ...this.details.notes,
      this.busy
        ? 'Click to cancel the run.'
        : notAuthorised
          ? 'Click to authorise this machine with the server (bridge auth).'
          : 'Click to show the tox terminal.',
    ];
    this.item.tooltip = lines.join('\n');
  }
}
