import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BridgeFailure, BridgeSupervisor } from '../../src/bridgeSupervisor';

/**
 * A stand-in for `bridge stdio` on node: answers initialize as FAKE_BRIDGE says — `auth`: error
 * -32005 (no key pair yet), `crash`: exits with code 3.
 */
const FAKE_BRIDGE = `
let buffer = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf('\\r\\n\\r\\n');
    if (end < 0) return;
    const length = Number(/Content-Length: *(\\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
    if (buffer.length < end + 4 + length) return;
    const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString());
    buffer = buffer.subarray(end + 4 + length);
    if (message.method !== 'initialize') continue;
    if (process.env.FAKE_BRIDGE === 'crash') process.exit(3);
    const body = JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32005,
      message: "This client has no key yet: run 'bridge auth' in the project." } });
    process.stdout.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
  }
});
`;

describe('BridgeSupervisor', function () {
  this.timeout(10_000);

  let dir: string;
  let script: string;
  let supervisor: BridgeSupervisor | undefined;
  let launches: number;
  let failures: BridgeFailure[];

  const supervise = (mode: 'auth' | 'crash') => {
    supervisor = new BridgeSupervisor({
      launch: () => {
        launches++;
        return { command: process.execPath, args: [script], env: { ...process.env, FAKE_BRIDGE: mode } };
      },
      initializeParams: () => ({ workspaceFolder: dir }),
      restartDelayMs: 0,
    });
    supervisor.onFailure((f) => failures.push(f));
    return supervisor;
  };

  const until = async (condition: () => boolean, ms: number, what: string) => {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tox-supervisor-'));
    script = path.join(dir, 'fake-bridge.js');
    fs.writeFileSync(script, FAKE_BRIDGE);
    launches = 0;
    failures = [];
  });

  afterEach(async () => {
    await supervisor?.stop();
    supervisor?.dispose();
    supervisor = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('does not restart a bridge whose initialize fails with -32005: it reports "not authorised" and stops', async () => {
    const result = await supervise('auth').start();
    assert.equal(result, undefined);
    assert.deepEqual(failures, [
      {
        reason: "initialize failed: This client has no key yet: run 'bridge auth' in the project.",
        restarting: false,
        notAuthorised: "This client has no key yet: run 'bridge auth' in the project.",
      },
    ]);
    assert.equal(supervisor!.supervising, false);
    assert.equal(supervisor!.connection, undefined);
    assert.equal(launches, 1);
  });

  it('restarts a bridge that crashes during initialize (the path -32005 does not take)', async () => {
    await supervise('crash').start();
    await until(() => failures.some((f) => !f.restarting), 5000, 'the supervisor to give up');
    assert.equal(launches, 4);
    assert.ok(failures.every((f) => f.notAuthorised === undefined));
    assert.equal(supervisor!.supervising, false);
  });
});
