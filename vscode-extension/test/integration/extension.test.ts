/**
 * The whole extension, activated against a fake of the vscode API, driving a real bridge and
 * tox-server: the user's session below the real editor (which the e2e test covers).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { activate, deactivate } from '../../src/extension';
import { FakeExtensionContext, FakeStatusBarItem, Uri, fakeExtensionContext, recorded } from '../fake/vscode';
import { FakeToxServer, REPO, processAlive, scratch, until } from './fixtures';

describe('the extension, activated, against a real bridge and tox-server', function () {
  this.timeout(60_000);

  let workspace: string;
  let server: FakeToxServer;
  let context: FakeExtensionContext;

  const log = () => recorded.outputChannels.find((c) => c.name === 'Tox Server')?.text ?? '';
  const status = (): FakeStatusBarItem => recorded.statusBarItems[0];
  const screen = () => {
    const terminal = recorded.terminals[0];
    terminal.pty.open();
    return terminal.written;
  };
  const bridgePid = () => Number(/bridge pid (\d+)/.exec(log())?.[1]);

  beforeEach(async () => {
    recorded.reset();
    workspace = scratch('activate');
    fs.writeFileSync(path.join(workspace, 'tox.ini'), '[tox]\n');
    fs.mkdirSync(path.join(workspace, 'tests'));
    fs.writeFileSync(path.join(workspace, 'tests', 'test_calc.py'), 'def test(): assert 3 == 4\n');
    server = await FakeToxServer.start(workspace);
    recorded.workspaceFolders = [{ uri: Uri.file(workspace), name: 'project', index: 0 }];
    Object.assign(recorded.configuration, {
      'toxServer.bridgePath': path.join(REPO, 'bridge', 'bin', 'bridge'),
      'toxServer.host': '127.0.0.1',
      'toxServer.port': server.port,
      'toxServer.autoRun': false,
      'toxServer.toxArgs': ['echo', 'hello'],
    });
    context = fakeExtensionContext(path.join(REPO, 'vscode-extension'));
    activate(context as never);
    await until(() => /Bridge started/.test(log()), 30_000, 'the bridge to start');
  });

  afterEach(async () => {
    await deactivate();
    for (const subscription of context.subscriptions) {
      subscription.dispose();
    }
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('runs the tests: header, output and result in the terminal; passed in the status bar', async () => {
    assert.equal(status().text, '$(beaker) tox');
    await recorded.commands.get('toxServer.run')!();
    await until(() => status().text === '$(pass) tox: passed', 10_000, `passed (status: ${status().text})`);
    assert.match(screen(), /▶ Run 1 · manual · \d\d:\d\d:\d\d · tox echo hello/);
    assert.ok(screen().includes('tox echo hello\x1b[0m\r\nhello\r\n'), JSON.stringify(screen()));
    assert.match(screen(), /✔ passed in \d+\.\d s/);
    assert.deepEqual(recorded.terminals[0].shown, [true]);
  });

  it('runs with arguments from the input box, remembered; a failure lands in the Problems panel', async () => {
    recorded.inputBoxValue = `echo "tests/test_calc.py:1: AssertionError: 3 == 4"`;
    await recorded.commands.get('toxServer.runWithArgs')!();
    await until(() => /passed/.test(status().text), 10_000, 'the run to end');
    const problems = recorded.diagnosticCollections[0].entries.get(path.join(workspace, 'tests', 'test_calc.py'));
    assert.equal(problems?.[0].message, 'AssertionError: 3 == 4');

    recorded.inputBoxValue = 'exit 2';
    await recorded.commands.get('toxServer.runWithArgs')!();
    assert.equal(recorded.inputBoxOptions[1].value, `echo "tests/test_calc.py:1: AssertionError: 3 == 4"`);
    await until(() => status().text === '$(error) tox: failed (exit 2)', 10_000, `failed (status: ${status().text})`);
    assert.match(screen(), /✘ failed \(exit 2\) in \d+\.\d s/);
    assert.equal(recorded.diagnosticCollections[0].entries.size, 0, 'cleared at the start of the next run');
  });

  it('cancels a running run from the status bar: cancelled, not failed', async () => {
    recorded.inputBoxValue = 'sleep 60';
    const run = recorded.commands.get('toxServer.runWithArgs')!();
    await until(() => /running/.test(status().text), 10_000, 'the run to start');
    const click = status().command as { command: string };
    assert.equal(click.command, 'toxServer.cancel');
    await recorded.commands.get(click.command)!();
    await until(() => status().text === '$(circle-slash) tox: cancelled', 10_000, `cancelled (status: ${status().text})`);
    await run;
    assert.match(screen(), /■ cancelled after \d+\.\d s/);
    assert.doesNotMatch(screen(), /failed/);
    assert.deepEqual(recorded.messages, []);
  });

  it('restarts the bridge when a setting changes, and uses the new setting', async () => {
    const before = /Bridge started/g;
    recorded.changeSettings({ 'toxServer.toxArgs': ['echo', 'changed'] });
    await until(() => (log().match(before) ?? []).length === 2, 30_000, 'the bridge to restart');
    await recorded.commands.get('toxServer.run')!();
    await until(() => /changed\r\n/.test(screen()), 10_000, 'the new arguments to run');
  });

  it('stops the bridge on deactivate', async () => {
    const pid = bridgePid();
    assert.ok(processAlive(pid), `bridge pid in the log: ${log()}`);
    const started = Date.now();
    await deactivate();
    assert.ok(Date.now() - started < 3000, 'deactivate is bounded');
    await until(() => !processAlive(pid), 2000, 'the bridge process to be gone');
  });
});
