#!/usr/bin/env node
// Drives 'bridge stdio' with vscode-jsonrpc, the JSON-RPC library under vscode-languageclient 9, as
// the VS Code extension would: initialize, a run whose notifications it collects, a second run
// cancelled through a CancellationTokenSource (the request must fail with RequestCancelled and
// runFinished must say cancelled), then shutdown and exit (the bridge must exit with 0).
//
//   node client.js --workspace DIR --port N [--run JSON] [--long-run JSON] -- BRIDGE COMMAND...
//
// BRIDGE_COMMAND (a JSON array) may stand in for the words after '--'. --run and --long-run are
// the tox arguments (JSON arrays) of the two runs; the long one must still be running when its
// first output arrives. Prints a JSON summary on stdout; exits 1 with a message on stderr when
// anything differs from what the API promises, 2 when it took longer than --timeout-ms.
'use strict';

const { spawn } = require('child_process');
const {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  CancellationTokenSource,
} = require('vscode-jsonrpc/node');

// LSPErrorCodes.RequestCancelled of vscode-languageserver-protocol: vscode-jsonrpc's ErrorCodes
// stops at the JSON-RPC ones, and vscode-languageclient treats this code as a quiet cancellation.
const REQUEST_CANCELLED = -32800;

function parseArgs(argv) {
  const options = { run: ['echo', 'hello'], longRun: ['sleep', '60'], timeoutMs: 60000 };
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  options.command = dash < 0 ? [] : argv.slice(dash + 1);
  for (let i = 0; i < own.length; i += 2) {
    const [name, value] = [own[i], own[i + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    switch (name) {
      case '--workspace': options.workspace = value; break;
      case '--port': options.port = Number(value); break;
      case '--host': options.host = value; break;
      case '--run': options.run = JSON.parse(value); break;
      case '--long-run': options.longRun = JSON.parse(value); break;
      case '--timeout-ms': options.timeoutMs = Number(value); break;
      default: throw new Error(`unknown option ${name}`);
    }
  }
  if (options.command.length === 0 && process.env.BRIDGE_COMMAND) {
    options.command = JSON.parse(process.env.BRIDGE_COMMAND);
  }
  if (options.command.length === 0) throw new Error('no bridge command: give it after -- or in BRIDGE_COMMAND');
  if (!options.workspace || !Number.isInteger(options.port)) throw new Error('--workspace and --port are required');
  return options;
}

/** Every notification the bridge sends, in order, and waits on them. */
class Recorder {
  constructor() {
    this.received = [];
    this.waiters = [];
  }

  add(method, params) {
    this.received.push({ method, params });
    this.waiters = this.waiters.filter((w) => !w.check());
  }

  /** Resolves with the first notification 'method' from index 'from' on whose params match. */
  waitFor(method, matching, from = 0) {
    return new Promise((resolve) => {
      const check = () => {
        const hit = this.received.slice(from).find((n) => n.method === method && matching(n.params));
        if (hit) resolve(hit.params);
        return hit !== undefined;
      };
      if (!check()) this.waiters.push({ check });
    });
  }

  /** The run notifications of one run, in order. */
  ofRun(runId) {
    return this.received.filter((n) => n.params && n.params.runId === runId);
  }

  text(runId, stream) {
    return this.ofRun(runId)
      .filter((n) => n.method === 'output' && n.params.stream === stream)
      .map((n) => n.params.text)
      .join('');
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const [file, ...args] = options.command;
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', reject);
  });
  const overall = setTimeout(() => {
    process.stderr.write(`client.js: no result after ${options.timeoutMs} ms; stopping the bridge\n`);
    child.kill('SIGKILL');
    process.exit(2);
  }, options.timeoutMs);

  const recorder = new Recorder();
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin));
  for (const method of ['runQueued', 'runStarted', 'output', 'runFinished', 'serverStatus', 'log']) {
    connection.onNotification(method, (params) => recorder.add(method, params));
  }
  connection.onUnhandledNotification((n) => recorder.add(n.method, n.params));
  connection.onError(([error]) => process.stderr.write(`client.js: connection error: ${error}\n`));
  connection.listen();

  try {
    const init = await connection.sendRequest('initialize', {
      workspaceFolder: options.workspace,
      server: { host: options.host || '127.0.0.1', port: options.port },
      autoRun: false,
      processId: process.pid,
    });
    check(init.serverReachable === true, `initialize: the server is not reachable: ${JSON.stringify(init)}`);

    // A run to its end: the reply and the notifications agree.
    const first = await connection.sendRequest('run', { args: options.run });
    const firstFinished = await recorder.waitFor('runFinished', (p) => p.runId === first.runId);
    const order = recorder.ofRun(first.runId).map((n) => n.method);
    check(order[0] === 'runQueued' && order[1] === 'runStarted' && order[order.length - 1] === 'runFinished',
      `run ${first.runId}: notifications out of order: ${order.join(', ')}`);
    check(order.slice(2, -1).every((m) => m === 'output'),
      `run ${first.runId}: unexpected notifications between runStarted and runFinished: ${order.join(', ')}`);
    check(firstFinished.returncode === first.returncode && firstFinished.cancelled === false,
      `run ${first.runId}: runFinished ${JSON.stringify(firstFinished)} disagrees with the reply ${JSON.stringify(first)}`);

    // A run cancelled by cancelling its request, once its command is running.
    const source = new CancellationTokenSource();
    const before = recorder.received.length;
    const longRun = connection.sendRequest('run', { args: options.longRun }, source.token)
      .then((result) => ({ result }), (error) => ({ error }));
    const longId = (await recorder.waitFor('runQueued', () => true, before)).runId;
    await recorder.waitFor('output', (p) => p.runId === longId, before);
    source.cancel();
    const outcome = await longRun;
    check(outcome.error !== undefined,
      `run ${longId}: the cancelled request succeeded: ${JSON.stringify(outcome.result)}`);
    check(outcome.error.code === REQUEST_CANCELLED,
      `run ${longId}: the cancelled request failed with ${outcome.error.code} (${outcome.error.message}), not RequestCancelled (-32800)`);
    const longFinished = await recorder.waitFor('runFinished', (p) => p.runId === longId);
    check(longFinished.cancelled === true,
      `run ${longId}: runFinished does not say cancelled: ${JSON.stringify(longFinished)}`);

    // shutdown (no params, as vscode-languageclient sends it), then exit.
    const shutdown = await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    const exit = await exited;
    check(exit.code === 0, `the bridge exited with ${exit.code} (signal ${exit.signal}) after shutdown and exit, not 0`);
    connection.dispose();

    const summary = {
      initialize: init,
      first: {
        result: first,
        notifications: order,
        stdout: recorder.text(first.runId, 'stdout'),
        stderr: recorder.text(first.runId, 'stderr'),
        runFinished: firstFinished,
      },
      cancelled: {
        runId: longId,
        error: { code: outcome.error.code, message: outcome.error.message },
        notifications: recorder.ofRun(longId).map((n) => n.method),
        runFinished: longFinished,
      },
      shutdown: shutdown === undefined ? null : shutdown,
      exitCode: exit.code,
      notificationCounts: recorder.received.reduce((counts, n) => {
        counts[n.method] = (counts[n.method] || 0) + 1;
        return counts;
      }, {}),
    };
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    clearTimeout(overall);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`client.js: ${error && error.message ? error.message : error}\n`);
    process.stderr.write(`client.js: notifications so far: ${JSON.stringify(recorder.received)}\n`);
    child.kill('SIGKILL');
    process.exit(1);
  }
}

main().catch((error) => {
  process.stderr.write(`client.js: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
