'use strict';
// One editor session: a scratch copy of the sample project served by a real tox-server, code-server
// with the extension installed, and Chromium showing it. stop() ends all of it, whatever happened.
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { processesUnder, stopGroup, waitFor } = require('./processes');
const { startToxServer, ping, repo, bridgeLauncher, bridgeJar } = require('./tox-server');
const { baseSettings, installExtension, codeServerExecutable, startCodeServer } = require('./code-server');
const { Workbench } = require('./workbench');

const extensionRoot = path.join(repo, 'vscode-extension');
/** Where scratch state, logs, screenshots and dumps go (under target/, so `mvn clean` removes them). */
const outputDir = path.join(extensionRoot, 'target', 'e2e');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

class Session {
  /** `name` names the scratch folder: target/e2e/<name>/ (emptied first). */
  constructor(name) {
    this.dir = path.join(outputDir, name);
    this.workspace = path.join(this.dir, 'workspace');
    this.extensionDir = path.resolve(process.env.TOX_SERVER_EXTENSION_DIR || extensionRoot);
    this.timings = {};
  }

  async start() {
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(this.dir, 'tmp'), { recursive: true });
    fs.cpSync(path.join(repo, 'examples', 'sample-project'), this.workspace, { recursive: true });
    // Chromium's profile goes to os.tmpdir(): keep it in the scratch folder, where the leftover check looks.
    process.env.TMPDIR = path.join(this.dir, 'tmp');
    killOnExit(this);

    const executable = codeServerExecutable();
    this.server = await startToxServer(this.workspace, path.join(this.dir, 'tox-server.log'));
    const editorDir = path.join(this.dir, 'editor');
    fs.mkdirSync(path.join(editorDir, 'extensions'), { recursive: true });
    this.installedExtension = installExtension(this.extensionDir, path.join(editorDir, 'extensions'),
      { launcher: bridgeLauncher, jar: bridgeJar }, executable);

    const started = Date.now();
    this.codeServer = await startCodeServer({
      executable,
      dir: editorDir,
      workspace: this.workspace,
      settings: { ...baseSettings(), 'toxServer.host': '127.0.0.1', 'toxServer.port': this.server.port },
      env: {},
    });
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      env: { ...process.env, ...scratchHome(path.join(this.dir, 'browser')) }, // crash reports, dconf
    });
    this.workbench = await Workbench.open(this.browser, `${this.codeServer.url}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.workbench.waitForStatus(/^tox/, { timeoutMs: 60000 });
    this.timings.codeServerStartToStatusItemMs = Date.now() - started;
    // "tox: starting" until the bridge has answered initialize; then plain "tox" (idle, server up).
    await this.workbench.waitForStatus(/^tox$/, { timeoutMs: 60000 });
    this.timings.codeServerStartToBridgeReadyMs = Date.now() - started;
    await this.waitForBridge();
    return this.workbench;
  }

  /**
   * The "Check Server" command answers "… answers …" once the bridge and the server do (the
   * status item says the same by leaving "tox: starting"; this checks the command too).
   */
  async waitForBridge(timeoutMs = 60000) {
    const workbench = this.workbench;
    let said = [];
    try {
      await waitFor('the extension to report that the tox-server answers (Tox Server: Check Server)', timeoutMs, async () => {
        await workbench.runCommand('Tox Server: Check Server');
        said = await waitFor('a Tox Server notification', 5000, async () => {
          const toasts = (await workbench.notifications()).filter((t) => t.startsWith('Tox Server:'));
          return toasts.length > 0 && toasts;
        }).catch(() => []);
        await workbench.clearNotifications();
        return said.some((t) => /\banswers\b/.test(t));
      }, 250);
    } catch (e) {
      throw new Error(`${e.message}; it said: ${JSON.stringify(said)}`);
    }
  }

  /** Absolute path of a workspace file. */
  file(relativePath) {
    return path.join(this.workspace, relativePath);
  }

  /** The tox-server's health reply, or null when it does not answer. */
  pingServer() {
    return ping(this.server.port);
  }

  /** Screenshot and text dump of the window into target/e2e/<session>/<name>.{png,txt,html}. */
  async dump(name) {
    if (!this.workbench) return;
    await this.workbench.dump(path.join(this.dir, name.replace(/[^\w.-]+/g, '-')));
  }

  /** Ends Chromium, code-server and the tox-server; then fails if anything of ours is still running. */
  async stop() {
    const errors = [];
    const attempt = async (what, fn) => {
      try {
        await fn();
      } catch (e) {
        errors.push(`${what}: ${e.message}`);
      }
    };
    if (this.browser) await attempt('closing Chromium', () => withDeadline(this.browser.close(), 15000));
    await attempt('stopping code-server', () => stopGroup(this.codeServer));
    await attempt('stopping the tox-server', () => stopGroup(this.server));
    // The bridge the extension started must go with its editor: give it a moment, then look.
    await attempt('leftover processes', async () => {
      try {
        await waitFor('no process to run under the scratch folder', 10000, () => processesUnder(this.dir).length === 0, 200);
      } catch {
        const left = processesUnder(this.dir);
        for (const p of left) {
          try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
        }
        throw new Error(`still running after the session ended (now killed): ${left.map((p) => `${p.pid} ${p.cmdline}`).join('; ')}`);
      }
    });
    this.browser = this.codeServer = this.server = this.workbench = undefined;
    if (errors.length) throw new Error(errors.join('\n'));
  }
}

/** XDG folders under `dir`, so that nothing writes to the user's home. */
function scratchHome(dir) {
  const env = {};
  for (const [name, sub] of [['XDG_CONFIG_HOME', 'config'], ['XDG_CACHE_HOME', 'cache'], ['XDG_DATA_HOME', 'data']]) {
    env[name] = path.join(dir, sub);
    fs.mkdirSync(env[name], { recursive: true });
  }
  return env;
}

function withDeadline(promise, ms) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  })]).finally(() => clearTimeout(timer));
}

/**
 * If the runner is interrupted (^C, SIGTERM, a crash), kill the groups synchronously: nothing may be
 * left. (Playwright ends the Chromium it launched on these signals itself.)
 */
function killOnExit(session) {
  const kill = () => {
    for (const child of [session.codeServer, session.server]) {
      if (child && child.exitCode === null) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      }
    }
  };
  process.once('exit', kill);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      kill();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[signal]);
    });
  }
}

module.exports = { Session, outputDir };
