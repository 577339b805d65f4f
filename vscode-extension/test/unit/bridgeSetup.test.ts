import { strict as assert } from 'assert';
import { authLaunch, bridgeLaunch, initializeParams, serverAddress } from '../../src/bridgeSetup';
import { defaultSettings as defaults } from './defaultSettings';

describe('bridgeSetup', () => {
  it('starts the bundled launcher with stdio', () => {
    const launch = bridgeLaunch(defaults, '/ext', { PATH: '/bin' }, 'linux');
    assert.equal(launch.command, '/ext/bridge/bin/bridge');
    assert.deepEqual(launch.args, ['stdio']);
    assert.equal(launch.env.PATH, '/bin');
  });

  it('starts bridgePath, with javaHome as JAVA_HOME', () => {
    const launch = bridgeLaunch({ ...defaults, bridgePath: '/opt/bridge', javaHome: '/jdk' }, '/ext', {}, 'linux');
    assert.equal(launch.command, '/opt/bridge');
    assert.deepEqual(launch.args, ['stdio']);
    assert.equal(launch.env.JAVA_HOME, '/jdk');
  });

  it('runs the bundled jar on java on Windows', () => {
    const launch = bridgeLaunch({ ...defaults, javaHome: 'C:/jdk' }, '/ext', {}, 'win32');
    assert.match(launch.command, /jdk.bin.java\.exe$/);
    assert.deepEqual(launch.args.slice(2), ['dev.toxserver.bridge.BridgeCli', 'stdio']);
    assert.match(launch.args[1], /bridge.target.bridge\.jar$/);
  });

  it('runs auth FOLDER with the same launcher, in the folder, with javaHome as JAVA_HOME', () => {
    const bundled = authLaunch({ ...defaults, javaHome: '/jdk' }, '/ext', { PATH: '/bin' }, '/work/p', 'linux');
    assert.equal(bundled.command, '/ext/bridge/bin/bridge');
    assert.deepEqual(bundled.args, ['auth', '/work/p']);
    assert.equal(bundled.cwd, '/work/p');
    assert.equal(bundled.env.JAVA_HOME, '/jdk');
    assert.equal(bundled.env.PATH, '/bin');
    const own = authLaunch({ ...defaults, bridgePath: '/opt/bridge' }, '/ext', {}, '/work/p', 'linux');
    assert.equal(own.command, '/opt/bridge');
    assert.deepEqual(own.args, ['auth', '/work/p']);
    const windows = authLaunch(defaults, '/ext', {}, 'C:/p', 'win32');
    assert.equal(windows.command, 'java');
    assert.deepEqual(windows.args.slice(2), ['dev.toxserver.bridge.BridgeCli', 'auth', 'C:/p']);
    assert.equal(windows.cwd, 'C:/p');
  });

  it('sends the settings in initialize', () => {
    const params = initializeParams(
      { ...defaults, host: 'box', port: 1234, toxArgs: ['-e', 'py312'], autoRun: false, watchExclude: ['docs/'], onChange: 'queue' },
      '/work/project',
      { TOX_SERVER_HOST: 'other', TOX_SERVER_PORT: '1' },
      42,
    );
    assert.deepEqual(params, {
      workspaceFolder: '/work/project',
      server: { host: 'box', port: 1234 },
      toxArgs: ['-e', 'py312'],
      autoRun: false,
      watch: { include: [], exclude: ['docs/'], debounceMs: 100, onChange: 'queue' },
      processId: 42,
    });
  });

  it('leaves host and port to the environment when the user did not set them', () => {
    const params = initializeParams(defaults, '/p', { TOX_SERVER_HOST: 'envhost', TOX_SERVER_PORT: '5555' }, 1);
    assert.deepEqual(params.server, {});
    assert.equal(serverAddress(defaults, { TOX_SERVER_HOST: 'envhost', TOX_SERVER_PORT: '5555' }), 'envhost:5555');
  });

  it('uses the defaults without settings or environment', () => {
    assert.deepEqual(initializeParams(defaults, '/p', {}, 1).server, { host: 'localhost', port: 9876 });
    assert.equal(serverAddress(defaults, {}), 'localhost:9876');
  });
});
