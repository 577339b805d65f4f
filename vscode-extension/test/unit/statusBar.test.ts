import { strict as assert } from 'assert';
import { StatusState, ToxStatusBar } from '../../src/statusBar';
import { FakeStatusBarItem, ThemeColor, recorded } from '../fake/vscode';
import { ManualClock } from './manualClock';

describe('ToxStatusBar', () => {
  let clock: ManualClock;
  let bar: ToxStatusBar;
  let item: FakeStatusBarItem;

  beforeEach(() => {
    recorded.reset();
    clock = new ManualClock();
    bar = new ToxStatusBar({ serverAddress: 'localhost:9876', lastResult: undefined, autoRun: true, notes: [] }, clock);
    item = recorded.statusBarItems[0];
  });

  afterEach(() => bar.dispose());

  const colour = () => (item.backgroundColor as ThemeColor | undefined)?.id;
  const command = () => (typeof item.command === 'string' ? item.command : item.command?.command);

  it('is the left item toxServer.status named Tox Server, shown, starting until the bridge answers', () => {
    assert.equal(recorded.statusBarItems.length, 1);
    assert.equal(item.id, 'toxServer.status');
    assert.equal(item.alignment, 1 /* Left */);
    assert.equal(item.name, 'Tox Server');
    assert.equal(item.visible, true);
    assert.equal(item.text, '$(loading~spin) tox: starting');
    assert.equal(item.accessibilityInformation?.label, 'tox: starting');
    assert.equal(colour(), undefined);
    assert.equal(command(), 'toxServer.showOutput');
  });

  const cases: Array<[StatusState, string, string | undefined, string]> = [
    [{ kind: 'starting' }, '$(loading~spin) tox: starting', undefined, 'toxServer.showOutput'],
    [{ kind: 'idle' }, '$(beaker) tox', undefined, 'toxServer.showOutput'],
    [{ kind: 'queued' }, '$(clock) tox: queued', undefined, 'toxServer.cancel'],
    [{ kind: 'passed' }, '$(pass) tox: passed', undefined, 'toxServer.showOutput'],
    [{ kind: 'failed', returncode: 1 }, '$(error) tox: failed (exit 1)', 'statusBarItem.errorBackground', 'toxServer.showOutput'],
    [{ kind: 'cancelled' }, '$(circle-slash) tox: cancelled', undefined, 'toxServer.showOutput'],
    [{ kind: 'unreachable' }, '$(warning) tox: server unreachable', 'statusBarItem.warningBackground', 'toxServer.showOutput'],
    [{ kind: 'error' }, '$(error) tox: error', 'statusBarItem.errorBackground', 'toxServer.showOutput'],
    [{ kind: 'stopped' }, '$(debug-disconnect) tox: bridge stopped', 'statusBarItem.warningBackground', 'toxServer.showOutput'],
    [{ kind: 'notAuthorised', message: 'no key' }, '$(key) tox: not authorised', 'statusBarItem.warningBackground', 'toxServer.authorize'],
  ];
  for (const [state, text, background, click] of cases) {
    it(`shows ${state.kind} as "${text}"`, () => {
      bar.show({ kind: 'running', startedAt: clock.now() });
      bar.show(state);
      assert.equal(item.text, text);
      assert.equal(item.accessibilityInformation?.label, text.replace(/^\$\([^)]*\) /, ''));
      assert.equal(colour(), background);
      assert.equal(command(), click);
    });
  }

  it('counts the running seconds every second, and stops counting after the run', () => {
    bar.show({ kind: 'running', startedAt: clock.now() });
    assert.equal(item.text, '$(sync~spin) tox: running 0s');
    assert.equal(item.accessibilityInformation?.label, 'tox: running 0s');
    assert.equal(command(), 'toxServer.cancel');
    assert.equal(colour(), undefined);
    clock.advance(999);
    assert.equal(item.text, '$(sync~spin) tox: running 0s');
    clock.advance(1);
    assert.equal(item.text, '$(sync~spin) tox: running 1s');
    clock.advance(2500);
    assert.equal(item.text, '$(sync~spin) tox: running 3s');
    assert.equal(item.accessibilityInformation?.label, 'tox: running 3s');
    bar.show({ kind: 'passed' });
    assert.equal(clock.liveTimers, 0);
    clock.advance(5000);
    assert.equal(item.text, '$(pass) tox: passed');
  });

  it('counts from when the run started, not from when it was shown', () => {
    bar.show({ kind: 'running', startedAt: clock.now() - 4200 });
    assert.equal(item.text, '$(sync~spin) tox: running 4s');
  });

  it('has a tooltip with the server address, the last result and auto-run', () => {
    assert.match(String(item.tooltip), /localhost:9876/);
    assert.match(String(item.tooltip), /Last result: none yet/);
    assert.match(String(item.tooltip), /Auto-run: on/);
    bar.update({ lastResult: 'Run 2: ✔ passed in 1.0 s', autoRun: false, notes: ['Using the folder "b"'] });
    assert.match(String(item.tooltip), /Last result: Run 2: ✔ passed in 1\.0 s/);
    assert.match(String(item.tooltip), /Auto-run: off/);
    assert.match(String(item.tooltip), /Using the folder "b"/);
  });

  it('says in the tooltip why this machine is not authorised, and that a click authorises it', () => {
    bar.show({ kind: 'notAuthorised', message: "the server at tcp://box:9876 rejected this client's key" });
    assert.match(String(item.tooltip), /Not authorised: the server at tcp:\/\/box:9876 rejected this client's key/);
    assert.match(String(item.tooltip), /Click to authorise this machine/);
    assert.doesNotMatch(String(item.tooltip), /show the tox terminal/);
    bar.show({ kind: 'idle' });
    assert.doesNotMatch(String(item.tooltip), /authoris/);
  });

  it('disposes the item and its timer', () => {
    bar.show({ kind: 'running', startedAt: clock.now() });
    bar.dispose();
    assert.equal(item.disposed, true);
    assert.equal(clock.liveTimers, 0);
  });
});
