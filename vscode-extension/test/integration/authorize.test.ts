/**
 * Authorising this machine, with the whole extension on the fake vscode API against a real bridge
 * and a real tox-server that requires authentication (`serve --auth`). The client keys live in a
 * scratch XDG_CONFIG_HOME: the tests never touch the user's ~/.config.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { activate, deactivate } from '../../src/extension';
import { FakeExtensionContext, FakeStatusBarItem, Uri, fakeExtensionContext, recorded } from '../fake/vscode';
import { FakeToxServer, REPO, processAlive, scratch, until } from './fixtures';

const BRIDGE = path.join(REPO, 'bridge', 'bin', 'bridge');

describe('authorising this machine, against a real bridge and a tox-server with authentication', function () {
  this.timeout(90_000);

  let workspace: string;
  let config: string;
  let server: FakeToxServer | undefined;
  let savedXdg: string | undefined;
  let context: FakeExtensionContext;

  const log = () => recorded.outputChannels.find((c) => c.name === 'Tox Server')?.text ?? '';
  const status = (): FakeStatusBarItem => recorded.statusBarItems[0];
  const click = () => (status().command as { command: string }).command;
  const authorizedKeys = () => {
    const dir = path.join(workspace, '.tox-server', 'authorized_keys');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.key')) : [];
  };
  const bridgePids = () => [...log().matchAll(/bridge pid (\d+)/g)].map((m) => Number(m[1]));

  /** Activates the extension on `workspace`, the server's folder. */
  const activateExtension = () => {
    recorded.workspaceFolders = [{ uri: Uri.file(workspace), name: 'project', index: 0 }];
    Object.assign(recorded.configuration, {
      'toxServer.bridgePath': BRIDGE,
      'toxServer.host': '127.0.0.1',
      'toxServer.port': server!.port,
      'toxServer.autoRun': false,
      'toxServer.toxArgs': ['echo', 'hello'],
    });
    context = fakeExtensionContext(path.join(REPO, 'vscode-extension'));
    activate(context as never);
  };

  beforeEach(async () => {
    recorded.reset();
    // The bridge (and bridge auth) inherit the extension host's environment: this one.
    savedXdg = process.env.XDG_CONFIG_HOME;
    config = scratch('xdg');
    process.env.XDG_CONFIG_HOME = config;
    workspace = scratch('auth');
    fs.writeFileSync(path.join(workspace, 'tox.ini'), '[tox]\n');
    server = await FakeToxServer.start(workspace, { auth: true });
    assert.ok(fs.existsSync(path.join(workspace, '.tox-server', 'server.key')), server.log());
  });

  afterEach(async () => {
    const pids = bridgePids();
    await deactivate();
    for (const subscription of context?.subscriptions ?? []) {
      subscription.dispose();
    }
    await server?.stop();
    server = undefined;
    if (savedXdg === undefined) {
      delete process.env.XDG_CONFIG_HOME;
    } else {
      process.env.XDG_CONFIG_HOME = savedXdg;
    }
    await until(() => pids.every((pid) => !processAlive(pid)), 5000, 'every bridge to be gone');
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('no key pair yet: not authorised (no restarts); Authorise runs bridge auth, restarts the bridge, and a run passes', async () => {
    activateExtension();
    await until(() => status().text === '$(key) tox: not authorised', 30_000, `not authorised (status: ${status().text})`);
    assert.equal(click(), 'toxServer.authorize');
    assert.match(String(status().tooltip), /Not authorised: .*bridge auth/);
    const warnings = recorded.messages.filter((m) => m.kind === 'warning');
    assert.equal(warnings.length, 1, JSON.stringify(recorded.messages));
    assert.match(warnings[0].message, /^Tox Server: this machine is not authorised by the tox-server \(.*bridge auth/);
    assert.deepEqual(warnings[0].items, ['Authorise', 'Show log']);
    assert.doesNotMatch(log(), /restarting it/, 'initialize failing with -32005 is not retried');
    assert.deepEqual(recorded.messages.filter((m) => m.kind === 'error'), []);
    assert.deepEqual(authorizedKeys(), []);

    await recorded.commands.get(click())!();
    assert.ok(fs.existsSync(path.join(config, 'tox-server', 'client.key')), 'the key pair is in the scratch config');
    assert.equal(authorizedKeys().length, 1);
    const info = recorded.messages.filter((m) => m.kind === 'info');
    assert.match(info[info.length - 1].message, /^Tox Server: Authorised this client for /);
    assert.match(log(), /Made this client's key pair/, 'bridge auth wrote its output to the log');
    await until(() => status().text === '$(beaker) tox', 30_000, `the restarted bridge (status: ${status().text})`);
    assert.match(log(), /Bridge started .* reachable/);

    await recorded.commands.get('toxServer.run')!();
    await until(() => status().text === '$(pass) tox: passed', 15_000, `passed (status: ${status().text})`);
  });

  it('a key the server does not know: not authorised; Authorise, and the running bridge reconnects by itself', async () => {
    // This machine has a key pair, authorised elsewhere only.
    const elsewhere = scratch('elsewhere');
    try {
      const made = spawnSync(BRIDGE, ['auth', elsewhere], { env: process.env, encoding: 'utf8', timeout: 30_000 });
      assert.equal(made.status, 0, made.stderr);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    activateExtension();
    await until(() => status().text === '$(key) tox: not authorised', 30_000, `not authorised (status: ${status().text})`);
    assert.match(String(status().tooltip), /rejected this client's key/);
    assert.equal(recorded.messages.filter((m) => m.kind === 'warning').length, 1);

    await recorded.commands.get('toxServer.run')!();
    const refused = recorded.messages.find((m) => m.kind === 'error');
    assert.match(refused?.message ?? '', /^Tox Server: The run was not started: .*rejected this client's key/);
    assert.deepEqual(refused?.items, ['Authorise', 'Show log']);

    const pid = bridgePids()[0];
    await recorded.commands.get('toxServer.authorize')!();
    assert.equal(authorizedKeys().length, 1);
    await until(() => status().text === '$(beaker) tox', 30_000, `reachable again (status: ${status().text})`);
    assert.deepEqual(bridgePids(), [pid], 'the same bridge, not restarted');
    await recorded.commands.get('toxServer.run')!();
    await until(() => status().text === '$(pass) tox: passed', 15_000, `passed (status: ${status().text})`);
  });
});
