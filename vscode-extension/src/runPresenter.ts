import * as vscode from 'vscode';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { BridgeConnection, BridgeNotification, errorCode, isCancelledError } from './bridgeConnection';
import { Settings } from './bridgeSetup';
import { KeptOutput, ProblemsPanel } from './problemsPanel';
import { ErrorCodes, RunFinished, RunQueued } from './protocol';
import { StatusState, ToxStatusBar } from './statusBar';
import { LineEndings, RunOutcome, describeOutcome, headerLine, outcomeOf, resultLine } from './terminalText';
import { ToxTerminal } from './toxTerminal';

/** One run the bridge told us about, from runQueued to runFinished. */
interface RunRecord {
  runId: number;
  trigger: 'manual' | 'change';
  changedFiles: string[];
  args: string[];
  startedAt: number | undefined;
  headerWritten: boolean;
  lineEndings: { stdout: LineEndings; stderr: LineEndings };
  output: KeptOutput;
  /** Cancels the `run` request, for runs this extension asked for. */
  cancellation: CancellationTokenSource | undefined;
}

/** A `run` request sent, whose runQueued has not come yet. */
interface PendingRun {
  args: string[] | undefined;
  cancellation: CancellationTokenSource;
}

/** What the presenter needs from the rest of the extension. */
export interface PresenterContext {
  workspaceFolder: string;
  settings: () => Settings;
  connection: () => BridgeConnection | undefined;
  log: (line: string) => void;
  /** Shows the output channel "Tox Server" (the bridge's log). */
  showLog?: () => void;
}

/**
 * Shows the runs in the editor, driven by the bridge's notifications: the tox terminal (a header,
 * the live output, a result line), the status bar, the Problems panel and failure notifications.
 * Starts and cancels runs for the commands.
 */
export class RunPresenter implements vscode.Disposable {
  private readonly runs = new Map<number, RunRecord>();
  private pending: PendingRun[] = [];
  private serverReachable = true;
  /** The bridge's life: starting (at first and while restarting), running, or given up. */
  private bridgeState: 'starting' | 'running' | 'stopped' = 'starting';
  private serverWorkdir: string | undefined;
  /** Why the server does not accept this machine, while it does not. */
  private notAuthorised: string | undefined;
  /** Whether this bridge start has shown the "not authorised" notification. */
  private notAuthorisedShown = false;
  private lastOutcome: RunOutcome | undefined;
  private revealedOnce = false;
  private readonly problems: ProblemsPanel;

  constructor(
    private readonly context: PresenterContext,
    private readonly terminal: ToxTerminal,
    private readonly statusBar: ToxStatusBar,
    private readonly now: () => number = Date.now,
  ) {
    this.problems = new ProblemsPanel(context.workspaceFolder);
  }

  /** A bridge answered initialize. */
  bridgeStarted(serverReachable: boolean, serverWorkdir: string | undefined): void {
    this.bridgeState = 'running';
    this.serverReachable = serverReachable;
    if (serverReachable) {
      this.notAuthorised = undefined;
    }
    this.serverWorkdir = serverWorkdir ?? this.serverWorkdir;
    this.refreshStatus();
  }

  /** The bridge is gone: runs in flight end with an error, the status bar says so. */
  bridgeStopped(reason: string, restarting: boolean): void {
    for (const record of [...this.runs.values()]) {
      this.finish(record, { kind: 'error', message: reason }, false);
    }
    this.runs.clear();
    this.bridgeState = restarting ? 'starting' : 'stopped';
    this.notAuthorised = undefined;
    this.notAuthorisedShown = false;
    this.refreshStatus();
  }

  /**
   * The bridge could not start because this machine is not authorised (initialize failed with
   * -32005): it stays stopped until the user authorises and it is restarted.
   */
  bridgeNotAuthorised(message: string): void {
    for (const record of [...this.runs.values()]) {
      this.finish(record, { kind: 'error', message }, false);
    }
    this.runs.clear();
    this.bridgeState = 'stopped';
    this.setNotAuthorised(message);
  }

  handle(notification: BridgeNotification): void {
    switch (notification.method) {
      case 'runQueued':
        return this.queued(notification.params);
      case 'runStarted':
        return this.started(notification.params.runId);
      case 'output':
        return this.output(notification.params.runId, notification.params.stream, notification.params.text);
      case 'runFinished':
        return this.finished(notification.params);
      case 'serverStatus':
        this.serverReachable = notification.params.reachable;
        this.serverWorkdir = notification.params.workdir ?? this.serverWorkdir;
        this.context.log(
          `Server ${notification.params.reachable ? 'reachable' : 'unreachable'}` +
            (notification.params.authFailed ? ' (not authorised)' : '') +
            (notification.params.message ? `: ${notification.params.message}` : ''),
        );
        if (!notification.params.reachable && notification.params.authFailed) {
          return this.setNotAuthorised(notification.params.message ?? "the server rejected this machine's key");
        }
        this.notAuthorised = undefined;
        return this.refreshStatus();
      case 'log':
        return this.context.log(`[${notification.params.level}] ${notification.params.message}`);
    }
  }

  /** Asks the bridge for a run; the notifications show it. Resolves when the request is answered. */
  async run(args: string[] | undefined): Promise<void> {
    const connection = this.context.connection();
    if (!connection && this.notAuthorised !== undefined) {
      void vscode.window
        .showErrorMessage(
          `Tox Server: this machine is not authorised by the tox-server (${this.notAuthorised})`,
          'Authorise',
          'Show log',
        )
        .then((choice) => this.answerNotAuthorised(choice));
      return;
    }
    if (!connection) {
      void vscode.window.showErrorMessage(
        'Tox Server: the bridge is not running. Run "Tox Server: Restart Bridge", or see the output channel "Tox Server".',
      );
      return;
    }
    const pending: PendingRun = { args, cancellation: new CancellationTokenSource() };
    this.pending.push(pending);
    try {
      await connection.run(args, pending.cancellation.token);
    } catch (error) {
      const unannounced = this.pending.includes(pending);
      this.pending = this.pending.filter((p) => p !== pending);
      if (isCancelledError(error) || !unannounced) {
        return; // runFinished tells (or told) how it ended.
      }
      const message = error instanceof Error ? error.message : String(error);
      this.context.log(`run failed: ${message}`);
      if (errorCode(error) === ErrorCodes.AuthFailed) {
        this.notAuthorisedShown = true; // this message says it, with the same button
        this.setNotAuthorised(message);
        void vscode.window.showErrorMessage(`Tox Server: ${message}`, 'Authorise', 'Show log').then((choice) => {
          this.answerNotAuthorised(choice);
        });
      } else if (errorCode(error) === ErrorCodes.ServerUnreachable) {
        this.serverReachable = false;
        this.refreshStatus();
        void vscode.window.showWarningMessage(`Tox Server: ${message}`);
      } else {
        void vscode.window.showErrorMessage(`Tox Server: the run failed: ${message}`);
      }
    } finally {
      pending.cancellation.dispose();
    }
  }

  /**
   * Cancels the running run (else the first queued one): through its request's token when this
   * extension started it, with `cancel {runId}` otherwise. False when there was nothing to cancel.
   */
  async cancel(): Promise<boolean> {
    const records = [...this.runs.values()].sort((a, b) => a.runId - b.runId);
    const target = records.find((r) => r.startedAt !== undefined) ?? records[0];
    if (!target) {
      return false;
    }
    if (target.cancellation) {
      target.cancellation.cancel();
      return true;
    }
    const connection = this.context.connection();
    return connection ? connection.cancel(target.runId) : false;
  }

  /** Shows the terminal (creating it if needed) without taking focus. */
  showTerminal(): void {
    this.terminal.reveal();
  }

  /** Tooltip: the last result and other details. */
  updateDetails(details: { serverAddress?: string; autoRun?: boolean; notes?: string[] }): void {
    this.statusBar.update(details);
  }

  dispose(): void {
    this.problems.dispose();
  }

  private queued(params: RunQueued): void {
    let cancellation: CancellationTokenSource | undefined;
    let args = this.context.settings().toxArgs;
    if (params.trigger === 'manual') {
      const pending = this.pending.shift();
      cancellation = pending?.cancellation;
      args = pending?.args ?? args;
    }
    this.runs.set(params.runId, {
      runId: params.runId,
      trigger: params.trigger,
      changedFiles: params.changedFiles ?? [],
      args,
      startedAt: undefined,
      headerWritten: false,
      lineEndings: { stdout: new LineEndings(), stderr: new LineEndings() },
      output: new KeptOutput(),
      cancellation,
    });
    this.refreshStatus();
  }

  private started(runId: number): void {
    const record = this.runs.get(runId);
    if (!record) {
      return;
    }
    record.startedAt = this.now();
    this.problems.clear();
    this.writeHeader(record);
    const reveal = this.context.settings().revealTerminal;
    if (reveal === 'always' || (!this.revealedOnce && reveal !== 'never')) {
      this.revealedOnce = true;
      this.terminal.reveal();
    }
    this.refreshStatus();
  }

  private output(runId: number, stream: 'stdout' | 'stderr', text: string): void {
    const record = this.runs.get(runId);
    if (!record) {
      return;
    }
    this.writeHeader(record);
    this.terminal.write(record.lineEndings[stream === 'stderr' ? 'stderr' : 'stdout'].convert(text));
    record.output.add(text);
  }

  private finished(params: RunFinished): void {
    const record = this.runs.get(params.runId);
    if (!record) {
      return;
    }
    this.runs.delete(params.runId);
    this.finish(record, outcomeOf(params), true);
    this.refreshStatus();
  }

  private finish(record: RunRecord, outcome: RunOutcome, showProblems: boolean): void {
    this.writeHeader(record);
    this.terminal.endLine();
    this.terminal.write(resultLine(outcome));
    this.lastOutcome = outcome;
    this.statusBar.update({ lastResult: `Run ${record.runId}: ${describeOutcome(outcome)}` });
    if (showProblems && record.startedAt !== undefined) {
      this.problems.show(record.output.text(), this.serverWorkdir);
    }
    if (outcome.kind === 'failed' || outcome.kind === 'error') {
      const settings = this.context.settings();
      if (settings.revealTerminal !== 'never') {
        this.terminal.reveal();
      }
      if (settings.notifyOnFailure) {
        const what = outcome.kind === 'failed' ? `failed (exit ${outcome.returncode})` : `error: ${outcome.message}`;
        void vscode.window
          .showWarningMessage(`Tox Server: run ${record.runId} ${what}`, 'Show Output')
          .then((choice) => {
            if (choice === 'Show Output') {
              this.terminal.reveal();
            }
          });
      }
    }
  }

  /** Shows the state, and the notification once per bridge start. */
  private setNotAuthorised(message: string): void {
    this.notAuthorised = message;
    this.refreshStatus();
    if (this.notAuthorisedShown) {
      return;
    }
    this.notAuthorisedShown = true;
    void vscode.window
      .showWarningMessage(
        `Tox Server: this machine is not authorised by the tox-server (${message})`,
        'Authorise',
        'Show log',
      )
      .then((choice) => this.answerNotAuthorised(choice));
  }

  private answerNotAuthorised(choice: string | undefined): void {
    if (choice === 'Authorise') {
      void vscode.commands.executeCommand('toxServer.authorize');
    } else if (choice === 'Show log') {
      this.context.showLog?.();
    }
  }

  private writeHeader(record: RunRecord): void {
    if (record.headerWritten) {
      return;
    }
    record.headerWritten = true;
    this.terminal.endLine();
    this.terminal.write(headerLine(record, new Date(this.now())));
  }

  private refreshStatus(): void {
    this.statusBar.show(this.currentState());
  }

  private currentState(): StatusState {
    const records = [...this.runs.values()];
    const running = records.find((r) => r.startedAt !== undefined);
    if (running?.startedAt !== undefined) {
      const shown = this.statusBar.current;
      // Keep the ticking state (and its timer) when nothing changed.
      if (shown.kind === 'running' && shown.startedAt === running.startedAt) {
        return shown;
      }
      return { kind: 'running', startedAt: running.startedAt };
    }
    if (records.length > 0) {
      return { kind: 'queued' };
    }
    if (this.notAuthorised !== undefined && this.bridgeState !== 'starting') {
      return { kind: 'notAuthorised', message: this.notAuthorised };
    }
    if (this.bridgeState !== 'running') {
      return { kind: this.bridgeState };
    }
    if (!this.serverReachable) {
      return { kind: 'unreachable' };
    }
    switch (this.lastOutcome?.kind) {
      case undefined:
        return { kind: 'idle' };
      case 'passed':
        return { kind: 'passed' };
      case 'cancelled':
        return { kind: 'cancelled' };
      case 'failed':
        return { kind: 'failed', returncode: this.lastOutcome.returncode };
      case 'error':
        return { kind: 'error' };
    }
  }
}
