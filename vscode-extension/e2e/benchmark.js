'use strict';
// How fast the extension answers in a real editor: Ctrl+S → the status bar item shows the run
// (p50/p90/max over TOX_SERVER_E2E_SAVES saves, default 12), and activation time.
const fs = require('node:fs');
const path = require('node:path');
const { Session } = require('./lib/session');
const { waitFor } = require('./lib/processes');

const TEST_FILE = 'tests/test_frobulator.py';
const saves = Math.max(10, Number(process.env.TOX_SERVER_E2E_SAVES || 12));

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v) => `${Math.round(v)} ms`.padStart(8);
  return `p50 ${f(percentile(sorted, 50))}   p90 ${f(percentile(sorted, 90))}   max ${f(sorted[sorted.length - 1])}   min ${f(sorted[0])}   (n=${sorted.length})`;
}

/** One save: new content, Ctrl+S; returns ms until the item showed queued/running and running, once the run has passed. */
async function timedSave(session, workbench, text) {
  await workbench.openFile(TEST_FILE);
  await workbench.replaceEditorText(text);
  const from = (await workbench.statusHistory()).length;
  const pressed = Date.now();
  await workbench.save();
  const first = await workbench.waitForStatus(/^tox: (queued|running)/, { from, timeoutMs: 15000 });
  const running = await workbench.waitForStatus(/^tox: running/, { from, timeoutMs: 15000 });
  await workbench.waitForStatus(/^tox: passed$/, { from: running.index, timeoutMs: 60000 });
  await waitFor('the save to reach the disk', 5000, () => fs.readFileSync(session.file(TEST_FILE), 'utf8') === text);
  return { firstMs: first.at - pressed, runningMs: running.at - pressed };
}

/** The extension's output channel "Tox Server", as VS Code logged it under the scratch user-data folder. */
function extensionLog(session) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('Tox Server.log')) found.push(fs.readFileSync(p, 'utf8'));
    }
  };
  try {
    walk(path.join(session.dir, 'editor', 'user-data', 'logs'));
  } catch {
    // no logs folder: reported as "not logged"
  }
  return found.join('\n');
}

async function main() {
  const session = new Session('benchmark');
  let failed = false;
  try {
    const workbench = await session.start();
    const startup = await workbench.startupTimes();
    const original = fs.readFileSync(session.file(TEST_FILE), 'utf8');

    await timedSave(session, workbench, `${original}# warm-up\n`); // creates the tox env; not counted
    const first = [];
    const running = [];
    for (let i = 1; i <= saves; i++) {
      const r = await timedSave(session, workbench, `${original}# benchmark save ${i}\n`);
      first.push(r.firstMs);
      running.push(r.runningMs);
      process.stderr.write(`save ${i}/${saves}: running after ${r.runningMs} ms\n`);
    }

    console.log('\nTox Server extension in code-server 4.100.3 + headless Chromium (real tox-server, real tox)');
    console.log(`Ctrl+S → status bar "tox: running …":        ${summary(running)}`);
    console.log(`Ctrl+S → status bar "queued" or "running":   ${summary(first)}`);
    console.log(`Activation: workbench DOM present → status bar item present: ${Math.round(startup.itemAt - startup.workbenchAt)} ms`);
    console.log(`            page navigation start → status bar item present: ${Math.round(startup.itemAt)} ms`);
    console.log(`            code-server spawned → status bar item present:   ${session.timings.codeServerStartToStatusItemMs} ms`);
    console.log(`            code-server spawned → status bar "tox" (bridge answered initialize): ${session.timings.codeServerStartToBridgeReadyMs} ms`);
    const own = extensionLog(session);
    const activated = /Activated in (\d+) ms/.exec(own);
    const ready = /Bridge ready (\d+) ms after activation/.exec(own);
    console.log(`            the extension's activate(): ${activated ? `${activated[1]} ms` : 'not logged'}; ` +
      `activate() → bridge answered initialize: ${ready ? `${ready[1]} ms` : 'not logged'} (its output channel)`);
  } catch (e) {
    failed = true;
    console.error(`benchmark failed: ${e.stack || e}`);
    await session.dump('benchmark-failure').catch(() => {});
  } finally {
    try {
      await session.stop();
    } catch (e) {
      failed = true;
      console.error(`stopping the session: ${e.message}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main();
