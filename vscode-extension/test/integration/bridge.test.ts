/**
 * The extension's bridge client (BridgeConnection, BridgeSupervisor) against a real `bridge stdio`
 * and a real tox-server running fake-tox: what the editor relies on, end to end below the UI.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { BridgeConnection, BridgeNotification, errorCode, isCancelledError } from '../../src/bridgeConnection';
import { BridgeFailure, BridgeStarted, BridgeSupervisor } from '../../src/bridgeSupervisor';
import { InitializeParams, RunFinished } from '../../src/protocol';
import { FakeToxServer, bridgeLaunch, processAlive, scratch, until, within } from './fixtures';

type ParamsOf<M> = Extract<BridgeNotification, { method: M }>['params'];

/** Notifications as they came, and waiting for the one you want. */
class Recorder {
  readonly received: BridgeNotification[] = [];

  add = (n: BridgeNotification) => {
    this.received.push(n);
  };

  async next<M extends BridgeNotification['method']>(
    method: M,
    matching: (params: ParamsOf<M>) => boolean,
    ms: number,
    from = 0,
  ): Promise<ParamsOf<M>> {
    const find = () =>
      this.received.slice(from).find((n) => n.method === method && matching(n.params as ParamsOf<M>));
    await until(() => find() !== undefined, ms, `${method} (got: ${this.methods().join(', ')})`);
    return find()!.params as ParamsOf<M>;
  }

  ofRun(runId: number): BridgeNotification[] {
    return this.received.filter((n) => 'runId' in n.params && n.params.runId === runId);
  }

  stdout(runId: number): string {
    return this.ofRun(runId)
      .map((n) => (n.method === 'output' && n.params.stream === 'stdout' ? n.params.text : ''))
      .join('');
  }

  methods(): string[] {
    return this.received.map((n) => n.method);
  }
}

describe('bridge client against a real bridge and tox-server', function () {
  this.timeout(60_000);

  let workspace: string;
  let server: FakeToxServer | undefined;
  let supervisor: BridgeSupervisor | undefined;
  let recorder: Recorder;
  const started: BridgeStarted[] = [];
  const failures: BridgeFailure[] = [];

  const params = (port: number, extra: Partial<InitializeParams> = {}): InitializeParams => ({
    workspaceFolder: workspace,
    server: { host: '127.0.0.1', port, timeoutSeconds: 2 },
    autoRun: false,
    processId: process.pid,
    ...extra,
  });

  /** A supervisor on the repository's bridge, recording everything. */
  const supervise = (port: number, extra: Partial<InitializeParams> = {}) => {
    supervisor = new BridgeSupervisor({
      launch: bridgeLaunch,
      initializeParams: () => params(port, extra),
      restartDelayMs: 50,
    });
    supervisor.onNotification(recorder.add);
    supervisor.onStarted((s) => started.push(s));
    supervisor.onFailure((f) => failures.push(f));
    return supervisor;
  };

  beforeEach(async () => {
    workspace = scratch('workspace');
    fs.writeFileSync(path.join(workspace, 'tox.ini'), '[tox]\n');
    recorder = new Recorder();
    started.length = 0;
    failures.length = 0;
  });

  afterEach(async () => {
    const bridge = supervisor?.connection;
    await supervisor?.stop();
    bridge?.kill();
    supervisor?.dispose();
    supervisor = undefined;
    await server?.stop();
    server = undefined;
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  describe('with a server', () => {
    beforeEach(async () => {
      server = await FakeToxServer.start(workspace);
    });

    it('runs: notifications in order, output in order, the result', async () => {
      const init = await within(supervise(server!.port).start(), 20_000, 'initialize');
      assert.equal(init?.serverReachable, true);
      const connection = supervisor!.connection!;
      const lines = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`);

      const result = await within(connection.run(['echo', ...lines]), 20_000, 'the run');
      assert.equal(result.returncode, 0);
      assert.equal(result.cancelled, false);
      const finished = await recorder.next('runFinished', (p) => p.runId === result.runId, 5000);
      assert.deepEqual(
        { returncode: finished.returncode, cancelled: finished.cancelled },
        { returncode: 0, cancelled: false },
      );
      const order = recorder.ofRun(result.runId).map((n) => n.method);
      assert.equal(order[0], 'runQueued');
      assert.equal(order[1], 'runStarted');
      assert.equal(order[order.length - 1], 'runFinished');
      assert.ok(order.slice(2, -1).every((m) => m === 'output'), order.join(', '));
      assert.equal(recorder.stdout(result.runId), lines.map((l) => `${l}\n`).join(''));
    });

    it('reports a failing run with its exit code', async () => {
      await within(supervise(server!.port).start(), 20_000, 'initialize');
      const result = await within(supervisor!.connection!.run(['exit', '3']), 20_000, 'the run');
      assert.equal(result.returncode, 3);
      const finished = await recorder.next('runFinished', (p) => p.runId === result.runId, 5000);
      assert.equal(finished.returncode, 3);
      assert.equal(finished.cancelled, false);
      assert.equal(recorder.stdout(result.runId), 'exiting with 3\n');
    });

    it('cancels a run through its request token: RequestCancelled, runFinished cancelled, tree gone', async () => {
      await within(supervise(server!.port).start(), 20_000, 'initialize');
      const pids = scratch('pids');
      const child = path.join(pids, 'child');
      const daemon = path.join(pids, 'daemon');
      const source = new CancellationTokenSource();
      const outcome = supervisor!
        .connection!.run(['tree', child, daemon], source.token)
        .then((result) => ({ result, error: undefined }), (error: unknown) => ({ result: undefined, error }));
      const output = await recorder.next('output', (p) => p.text.includes('tree ready'), 20_000);
      const treePids = [child, daemon].map((f) => Number(fs.readFileSync(f, 'utf8').trim()));
      assert.ok(treePids.every(processAlive), 'the tree runs before the cancel');

      source.cancel();
      const { result, error } = await within(outcome, 10_000, 'the cancelled request to fail');
      assert.equal(result, undefined, 'the cancelled request must not succeed');
      assert.ok(isCancelledError(error), `failed with ${errorCode(error)}: ${String(error)}`);
      const finished: RunFinished = await recorder.next('runFinished', (p) => p.runId === output.runId, 15_000);
      assert.equal(finished.cancelled, true);
      await until(() => !treePids.some(processAlive), 5000, `the run's processes ${treePids} to be gone`);
      fs.rmSync(pids, { recursive: true, force: true });
    });

    it("cancels an auto-run with cancel {runId}", async () => {
      await within(supervise(server!.port, { autoRun: true, toxArgs: ['sleep', '60'] }).start(), 20_000, 'initialize');
      fs.writeFileSync(path.join(workspace, 'app.py'), 'print(1)\n');
      const queued = await recorder.next('runQueued', (p) => p.trigger === 'change', 20_000);
      assert.deepEqual(queued.changedFiles, ['app.py']);
      await recorder.next('output', (p) => p.runId === queued.runId && p.text.includes('sleeping'), 20_000);

      assert.equal(await supervisor!.connection!.cancel(queued.runId), true);
      const finished = await recorder.next('runFinished', (p) => p.runId === queued.runId, 15_000);
      assert.equal(finished.cancelled, true);
    });

    it('restarts a bridge that was killed, and the new one runs', async () => {
      await within(supervise(server!.port).start(), 20_000, 'initialize');
      const first = supervisor!.connection!;
      process.kill(first.pid!, 'SIGKILL');
      await until(() => started.length === 2, 30_000, 'the bridge to be restarted');
      assert.deepEqual(failures, [{ reason: 'the bridge stopped (killed by SIGKILL)', restarting: true }]);
      assert.equal(first.alive, false);
      const second = supervisor!.connection!;
      assert.notEqual(second.pid, first.pid);
      const result = await within(second.run(['echo', 'again']), 20_000, 'a run on the new bridge');
      assert.equal(result.returncode, 0);
      assert.equal(recorder.stdout(result.runId), 'again\n');
    });

    it('stops the bridge with shutdown and exit (exit code 0)', async () => {
      await within(supervise(server!.port).start(), 20_000, 'initialize');
      const connection = supervisor!.connection!;
      await supervisor!.stop();
      const exit = await within(connection.exited, 5000, 'the bridge to exit');
      assert.deepEqual(exit, { code: 0, signal: null, expected: true });
      assert.deepEqual(failures, []);
    });

    it('says the server became unreachable when it goes away', async () => {
      const init = await within(supervise(server!.port).start(), 20_000, 'initialize');
      assert.equal(init?.serverReachable, true);
      const from = recorder.received.length;
      server!.kill();
      const status = await recorder.next('serverStatus', (p) => !p.reachable, 15_000, from);
      assert.equal(status.reachable, false);
    });
  });

  it('without a server: initialize says unreachable, and run fails with -32001', async () => {
    const port = await freePort();
    const init = await within(supervise(port).start(), 20_000, 'initialize');
    assert.equal(init?.serverReachable, false);
    await recorder.next('serverStatus', (p) => !p.reachable, 10_000);
    const error = await supervisor!.connection!.run(['echo', 'x']).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(errorCode(error), -32001, String(error));
    assert.match(String((error as Error).message), new RegExp(String(port)));
  });

  it('gives up after 3 restarts within a minute', async () => {
    supervisor = new BridgeSupervisor({
      launch: () => ({ command: '/bin/sh', args: ['-c', 'echo "bridge: broken" >&2; exit 3'], env: process.env }),
      initializeParams: () => params(1),
      restartDelayMs: 10,
    });
    let log = '';
    supervisor.onLog((text) => (log += text));
    supervisor.onFailure((f) => failures.push(f));
    await supervisor.start();
    await until(() => failures.some((f) => !f.restarting), 10_000, 'the supervisor to give up');
    assert.deepEqual(
      failures.map((f) => f.restarting),
      [true, true, true, false],
    );
    assert.match(failures[3].reason, /exit code 3/);
    assert.match(log, /bridge: broken/);
    assert.equal(supervisor.connection, undefined);
  });

  it('fails to start a bridge that does not exist, with a message naming the setting', async () => {
    const error = await BridgeConnection.start({ command: '/nonexistent/bridge', args: ['stdio'], env: process.env }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    assert.match(String(error?.message), /toxServer\.bridgePath/);
  });
});

async function freePort(): Promise<number> {
  const net = await import('net');
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
