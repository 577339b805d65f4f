import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CancellationToken, ResponseError } from 'vscode-jsonrpc/node';
import { BridgeConnection, BridgeNotification } from '../../src/bridgeConnection';
import { Settings } from '../../src/bridgeSetup';
import { defaultSettings as settings } from './defaultSettings';
import { RunResult } from '../../src/protocol';
import { RunPresenter } from '../../src/runPresenter';
import { ToxStatusBar } from '../../src/statusBar';
import { ToxTerminal } from '../../src/toxTerminal';
import * as vscode from '../fake/vscode';
import { FakeDiagnosticCollection, FakeStatusBarItem, FakeTerminal, recorded } from '../fake/vscode';
import { ManualClock } from './manualClock';

/** Stands in for the bridge connection: records run and cancel requests. */
class FakeConnection {
  runs: Array<{ args: string[] | undefined; token: CancellationToken | undefined }> = [];
  cancelled: Array<number | undefined> = [];
  /** When set, run requests fail with it at once. */
  runError: Error | undefined;
  run(args: string[] | undefined, token?: CancellationToken): Promise<RunResult> {
    this.runs.push({ args, token });
    return this.runError ? Promise.reject(this.runError) : new Promise(() => undefined);
  }
  cancel(runId?: number): Promise<boolean> {
    this.cancelled.push(runId);
    return Promise.resolve(true);
  }
}

describe('RunPresenter', () => {
  let workspace: string;
  let clock: ManualClock;
  let current: Settings;
  let connection: FakeConnection;
  let presenter: RunPresenter;
  let item: FakeStatusBarItem;
  let statusBar: ToxStatusBar;
  let terminal: ToxTerminal;
  let connected: boolean;
  let logShown: number;

  beforeEach(() => {
    recorded.reset();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'tox-presenter-'));
    fs.mkdirSync(path.join(workspace, 'tests'));
    fs.writeFileSync(path.join(workspace, 'tests', 'test_calc.py'), '\n');
    clock = new ManualClock();
    current = { ...settings };
    connection = new FakeConnection();
    connected = true;
    logShown = 0;
    statusBar = new ToxStatusBar({ serverAddress: 'localhost:9876', lastResult: undefined, autoRun: true, notes: [] }, clock);
    terminal = new ToxTerminal();
    presenter = new RunPresenter(
      {
        workspaceFolder: workspace,
        settings: () => current,
        connection: () => (connected ? (connection as unknown as BridgeConnection) : undefined),
        log: () => undefined,
        showLog: () => logShown++,
      },
      terminal,
      statusBar,
      () => clock.now(),
    );
    item = recorded.statusBarItems[0];
    presenter.bridgeStarted(true, '/srv/project');
  });

  afterEach(() => {
    presenter.dispose();
    statusBar.dispose();
    terminal.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  const send = (n: BridgeNotification) => presenter.handle(n);
  const tox = (): FakeTerminal => recorded.terminals[0];
  const problems = (): FakeDiagnosticCollection => recorded.diagnosticCollections[0];
  /** What the terminal shows, once VS Code has opened it. */
  const screen = () => {
    tox().pty.open();
    return tox().written;
  };

  it('shows a change run from queued to failed: terminal, status bar, Problems panel', () => {
    assert.equal(item.text, '$(beaker) tox');
    send({ method: 'runQueued', params: { runId: 1, trigger: 'change', changedFiles: ['tests/test_calc.py'] } });
    assert.equal(item.text, '$(clock) tox: queued');
    assert.equal(recorded.terminals.length, 0, 'no terminal before a run starts');

    send({ method: 'runStarted', params: { runId: 1 } });
    assert.equal(item.text, '$(sync~spin) tox: running 0s');
    assert.equal(recorded.terminals.length, 1);
    assert.equal(tox().name, 'tox');
    assert.deepEqual(tox().shown, [true], 'the first run shows the terminal, keeping the focus');
    clock.advance(2000);
    assert.equal(item.text, '$(sync~spin) tox: running 2s');

    send({ method: 'output', params: { runId: 1, stream: 'stdout', text: '\x1b[31mE   assert 3 == 4\x1b[0m\n/srv/pro' } });
    send({ method: 'output', params: { runId: 1, stream: 'stdout', text: 'ject/tests/test_calc.py:5: AssertionError' } });
    send({ method: 'runFinished', params: { runId: 1, returncode: 1, cancelled: false, durationMs: 2100 } });

    assert.equal(item.text, '$(error) tox: failed (exit 1)');
    const [header] = screen().split('\r\n');
    assert.ok(header.startsWith('\x1b[1m▶ Run 1 · on save: tests/test_calc.py · ') && header.endsWith('\x1b[0m'), header);
    assert.match(header, /· \d\d:\d\d:\d\d/);
    assert.ok(
      screen().endsWith(
        '\x1b[31mE   assert 3 == 4\x1b[0m\r\n/srv/project/tests/test_calc.py:5: AssertionError\r\n' +
          '\x1b[0m\x1b[31m✘ failed (exit 1) in 2.1 s\x1b[0m\r\n',
      ),
      JSON.stringify(screen()),
    );
    assert.deepEqual(tox().shown, [true, true], 'a failure shows the terminal again (onFailure)');
    const diagnostics = problems().entries.get(path.join(workspace, 'tests', 'test_calc.py'));
    assert.equal(diagnostics?.length, 1);
    assert.equal(diagnostics?.[0].message, 'AssertionError');
    assert.equal(diagnostics?.[0].source, 'tox');
    assert.equal(diagnostics?.[0].range.startLine, 4);
    assert.match(String(item.tooltip), /Last result: Run 1: ✘ failed \(exit 1\) in 2\.1 s/);
  });

  it('clears the Problems panel when the next run starts, and a passing run leaves it empty', () => {
    send({ method: 'runQueued', params: { runId: 1, trigger: 'manual', changedFiles: [] } });
    send({ method: 'runStarted', params: { runId: 1 } });
    send({ method: 'output', params: { runId: 1, stream: 'stdout', text: 'tests/test_calc.py:2: boom\n' } });
    send({ method: 'runFinished', params: { runId: 1, returncode: 1, cancelled: false, durationMs: 10 } });
    assert.equal(problems().entries.size, 1);
    send({ method: 'runQueued', params: { runId: 2, trigger: 'manual', changedFiles: [] } });
    assert.equal(problems().entries.size, 1, 'kept while queued');
    send({ method: 'runStarted', params: { runId: 2 } });
    assert.equal(problems().entries.size, 0);
    send({ method: 'runFinished', params: { runId: 2, returncode: 0, cancelled: false, durationMs: 10 } });
    assert.equal(problems().entries.size, 0);
    assert.equal(item.text, '$(pass) tox: passed');
    assert.deepEqual(tox().shown, [true, true], 'a pass does not show the terminal again');
  });

  it('runs manually with arguments, and cancels through the request token: shown as cancelled', async () => {
    void presenter.run(['-e', 'py312']);
    assert.deepEqual(connection.runs.map((r) => r.args), [['-e', 'py312']]);
    send({ method: 'runQueued', params: { runId: 7, trigger: 'manual', changedFiles: [] } });
    send({ method: 'runStarted', params: { runId: 7 } });
    assert.match(screen(), /▶ Run 7 · manual · \d\d:\d\d:\d\d · tox -e py312/);
    assert.equal((item.command as { command: string }).command, 'toxServer.cancel');

    assert.equal(await presenter.cancel(), true);
    assert.equal(connection.runs[0].token?.isCancellationRequested, true);
    assert.deepEqual(connection.cancelled, [], 'no cancel request for a run the extension started');
    send({ method: 'runFinished', params: { runId: 7, returncode: -15, cancelled: true, durationMs: 830 } });
    assert.equal(item.text, '$(circle-slash) tox: cancelled');
    assert.ok(screen().endsWith('\x1b[0m\x1b[33m■ cancelled after 0.8 s\x1b[0m\r\n'));
    assert.equal(recorded.messages.length, 0);
  });

  it('cancels an auto-run with cancel {runId}, the running one before a queued one', async () => {
    send({ method: 'runQueued', params: { runId: 3, trigger: 'change', changedFiles: ['a.py'] } });
    send({ method: 'runStarted', params: { runId: 3 } });
    send({ method: 'runQueued', params: { runId: 4, trigger: 'change', changedFiles: ['b.py'] } });
    assert.equal(item.text, '$(sync~spin) tox: running 0s');
    assert.equal(await presenter.cancel(), true);
    assert.deepEqual(connection.cancelled, [3]);
    send({ method: 'runFinished', params: { runId: 3, returncode: -15, cancelled: true, durationMs: 100 } });
    assert.equal(item.text, '$(clock) tox: queued');
  });

  it('says there is nothing to cancel when no run is queued or running', async () => {
    assert.equal(await presenter.cancel(), false);
  });

  it('shows the server unreachable, and back', () => {
    send({ method: 'serverStatus', params: { reachable: false, message: 'no answer from tcp://localhost:9876' } });
    assert.equal(item.text, '$(warning) tox: server unreachable');
    assert.equal((item.backgroundColor as { id: string }).id, 'statusBarItem.warningBackground');
    send({ method: 'serverStatus', params: { reachable: true } });
    assert.equal(item.text, '$(beaker) tox');
  });

  it('notifies a failure when notifyOnFailure is on, with a Show Output button', async () => {
    current = { ...current, notifyOnFailure: true, revealTerminal: 'never' };
    recorded.messageChoice = 'Show Output';
    send({ method: 'runQueued', params: { runId: 1, trigger: 'manual', changedFiles: [] } });
    send({ method: 'runStarted', params: { runId: 1 } });
    assert.deepEqual(tox().shown, [], 'never: the terminal does not show by itself');
    send({ method: 'runFinished', params: { runId: 1, returncode: 2, cancelled: false, durationMs: 10 } });
    assert.deepEqual(recorded.messages, [
      { kind: 'warning', message: 'Tox Server: run 1 failed (exit 2)', items: ['Show Output'] },
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(tox().shown, [true], 'Show Output shows the terminal');
  });

  it('says starting, never stopped, while a bridge starts or restarts', () => {
    presenter.bridgeStopped('the bridge stopped (exit code 1)', true);
    assert.equal(item.text, '$(loading~spin) tox: starting');
    // The bridge reports the server before it answers initialize: still starting.
    send({ method: 'serverStatus', params: { reachable: true, message: 'answered' } });
    assert.equal(item.text, '$(loading~spin) tox: starting');
    presenter.bridgeStarted(true, '/srv/project');
    assert.equal(item.text, '$(beaker) tox');
  });

  describe('when the server does not accept this machine', () => {
    const KEY_REJECTED = "the server at tcp://127.0.0.1:9876 rejected this client's key — run 'bridge auth' in the project";
    const NO_KEY = "This client has no key yet: run 'bridge auth' in the project.";
    const authorised: string[] = [];
    let registration: { dispose(): void } | undefined;
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    beforeEach(() => {
      authorised.length = 0;
      registration = vscode.commands.registerCommand('toxServer.authorize', () => authorised.push('authorize'));
    });
    afterEach(() => registration?.dispose());

    it('on serverStatus authFailed: the state, and one notification with Authorise, which runs the command', async () => {
      recorded.messageChoice = 'Authorise';
      send({ method: 'serverStatus', params: { reachable: false, authFailed: true, message: KEY_REJECTED } });
      assert.equal(item.text, '$(key) tox: not authorised');
      assert.equal((item.command as { command: string }).command, 'toxServer.authorize');
      assert.match(String(item.tooltip), /Not authorised: the server at tcp:\/\/127\.0\.0\.1:9876 rejected this client's key/);
      assert.deepEqual(recorded.messages, [
        {
          kind: 'warning',
          message: `Tox Server: this machine is not authorised by the tox-server (${KEY_REJECTED})`,
          items: ['Authorise', 'Show log'],
        },
      ]);
      await settle();
      assert.deepEqual(authorised, ['authorize']);

      send({ method: 'serverStatus', params: { reachable: false, message: 'no answer' } });
      send({ method: 'serverStatus', params: { reachable: false, authFailed: true, message: KEY_REJECTED } });
      assert.equal(recorded.messages.length, 1, 'once per bridge start');
      send({ method: 'serverStatus', params: { reachable: true } });
      assert.equal(item.text, '$(beaker) tox', 'authorised: the bridge reconnected by itself');
    });

    it('on the initialize failure: the state until a restarted bridge starts; Show log shows the log', async () => {
      recorded.messageChoice = 'Show log';
      connected = false;
      presenter.bridgeNotAuthorised(NO_KEY);
      assert.equal(item.text, '$(key) tox: not authorised');
      assert.equal((item.backgroundColor as { id: string }).id, 'statusBarItem.warningBackground');
      assert.deepEqual(
        recorded.messages.map((m) => [m.kind, m.message]),
        [['warning', `Tox Server: this machine is not authorised by the tox-server (${NO_KEY})`]],
      );
      await settle();
      assert.equal(logShown, 1);
      assert.deepEqual(authorised, []);

      // A run asked for now tells why nothing runs, with the button.
      recorded.messageChoice = 'Authorise';
      await presenter.run(undefined);
      assert.deepEqual(recorded.messages[1], {
        kind: 'error',
        message: `Tox Server: this machine is not authorised by the tox-server (${NO_KEY})`,
        items: ['Authorise', 'Show log'],
      });
      await settle();
      assert.deepEqual(authorised, ['authorize']);

      // Restarted after authorising: starting, then the new start.
      presenter.bridgeStopped('the bridge was restarted', true);
      assert.equal(item.text, '$(loading~spin) tox: starting');
      connected = true;
      presenter.bridgeStarted(true, '/srv/project');
      assert.equal(item.text, '$(beaker) tox');

      // The next bridge start that is not authorised notifies again.
      presenter.bridgeStopped('the bridge was restarted', true);
      send({ method: 'serverStatus', params: { reachable: false, authFailed: true, message: KEY_REJECTED } });
      presenter.bridgeStarted(false, '/srv/project');
      assert.equal(item.text, '$(key) tox: not authorised', 'a start that is not reachable keeps it');
      assert.equal(recorded.messages.filter((m) => m.kind === 'warning').length, 2);
    });

    it('a run refused with -32005 shows its message with Authorise, not "the run failed"', async () => {
      connection.runError = new ResponseError(-32005, `The run was not started: ${KEY_REJECTED}`);
      await presenter.run(undefined);
      assert.deepEqual(recorded.messages, [
        { kind: 'error', message: `Tox Server: The run was not started: ${KEY_REJECTED}`, items: ['Authorise', 'Show log'] },
      ]);
      assert.equal(item.text, '$(key) tox: not authorised');
    });
  });

  it('ends runs in flight when the bridge stops', () => {
    send({ method: 'runQueued', params: { runId: 1, trigger: 'manual', changedFiles: [] } });
    send({ method: 'runStarted', params: { runId: 1 } });
    send({ method: 'output', params: { runId: 1, stream: 'stdout', text: 'half a line' } });
    presenter.bridgeStopped('the bridge stopped (killed by SIGKILL)', false);
    assert.equal(item.text, '$(debug-disconnect) tox: bridge stopped');
    assert.ok(screen().endsWith('half a line\r\n\x1b[0m\x1b[31m✘ error: the bridge stopped (killed by SIGKILL)\x1b[0m\r\n'));
  });

  it('writes output that came before VS Code opened the terminal, once it opens', () => {
    send({ method: 'runQueued', params: { runId: 1, trigger: 'manual', changedFiles: [] } });
    send({ method: 'runStarted', params: { runId: 1 } });
    send({ method: 'output', params: { runId: 1, stream: 'stdout', text: 'early\n' } });
    assert.equal(tox().written, '');
    tox().pty.open();
    assert.match(tox().written, /early\r\n$/);
    send({ method: 'output', params: { runId: 1, stream: 'stdout', text: 'late\r' } });
    send({ method: 'output', params: { runId: 1, stream: 'stdout', text: '\n' } });
    assert.match(tox().written, /early\r\nlate\r\n$/);
  });
});
