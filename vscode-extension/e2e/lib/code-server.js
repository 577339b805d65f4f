'use strict';
// code-server (a real VS Code, served to the browser) with scratch state, the extension under test
// installed by copying its folder, and nothing reaching outside the machine.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { startGroup, stopGroup, waitFor } = require('./processes');

const EXTENSION_FOLDER = 'toxserver.tox-server-0.1.0';

/** Settings every run needs (docs: /work/shared/REAL-EDITOR.md) plus a quiet, readable workbench. */
function baseSettings() {
  return {
    'files.autoSave': 'off', // the browser build auto-saves by default: Ctrl+S must be what saves
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    'terminal.integrated.gpuAcceleration': 'off', // the DOM renderer: terminal rows are readable text
    'terminal.integrated.enablePersistentSessions': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'extensions.ignoreRecommendations': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'git.enabled': false,
    'editor.minimap.enabled': false,
    'editor.autoClosingBrackets': 'never',
    'editor.autoClosingQuotes': 'never',
    'editor.autoIndent': 'none',
    'editor.formatOnSave': false,
    'editor.acceptSuggestionOnEnter': 'off',
    'editor.quickSuggestions': { other: false, comments: false, strings: false },
    'editor.suggestOnTriggerCharacters': false,
    'chat.commandCenter.enabled': false,
  };
}

/**
 * Copies the built extension (package.json, dist/, README, LICENSE, bridge/) into the extensions
 * folder the way an installed VSIX lies there. When the folder has no bridge of its own, the repo's
 * launcher and jar are put in its place, as the packaged extension carries them.
 */
function installExtension(sourceDir, extensionsDir, bridge, executable) {
  if (sourceDir.endsWith('.vsix')) return installVsix(sourceDir, extensionsDir, executable);
  if (!fs.existsSync(path.join(sourceDir, 'package.json')) || !fs.existsSync(path.join(sourceDir, 'dist'))) {
    throw new Error(`${sourceDir} holds no built extension (package.json + dist/): build it (npm run build there) ` +
      'or point TOX_SERVER_EXTENSION_DIR at one');
  }
  const target = path.join(extensionsDir, EXTENSION_FOLDER);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  for (const entry of ['package.json', 'dist', 'README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md', 'bridge', 'media', 'images']) {
    const from = path.join(sourceDir, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true, dereference: true });
  }
  const launcher = path.join(target, 'bridge', 'bin', 'bridge');
  const jar = path.join(target, 'bridge', 'target', 'bridge.jar');
  if (!fs.existsSync(launcher)) {
    fs.mkdirSync(path.dirname(launcher), { recursive: true });
    fs.copyFileSync(bridge.launcher, launcher);
  }
  fs.chmodSync(launcher, 0o755);
  if (!fs.existsSync(jar)) {
    fs.mkdirSync(path.dirname(jar), { recursive: true });
    fs.copyFileSync(bridge.jar, jar);
  }
  return target;
}

/**
 * Installs a packaged extension the way a user does (`--install-extension x.vsix`), so the test
 * covers what the .vsix carries: the bundle, the bridge launcher and its jar.
 */
function installVsix(vsix, extensionsDir, executable) {
  if (!fs.existsSync(vsix)) {
    throw new Error(`${vsix} does not exist: package the extension first (npm run package in vscode-extension)`);
  }
  const scratch = path.dirname(extensionsDir);
  execFileSync(executable, ['--install-extension', vsix, '--force', '--extensions-dir', extensionsDir,
    '--user-data-dir', path.join(scratch, 'user-data')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120000,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(scratch, 'xdg-config'), XDG_DATA_HOME: path.join(scratch, 'xdg-data'),
      XDG_CACHE_HOME: path.join(scratch, 'xdg-cache'), EXTENSIONS_GALLERY: '{}' },
  });
  const target = path.join(extensionsDir, EXTENSION_FOLDER);
  for (const file of ['package.json', 'dist/extension.js', 'bridge/bin/bridge', 'bridge/target/bridge.jar']) {
    if (!fs.existsSync(path.join(target, file))) throw new Error(`${vsix} installed without ${file}`);
  }
  return target;
}

/** The code-server executable that setup.sh installed (it prints the path last). */
function codeServerExecutable() {
  const out = execFileSync(path.join(__dirname, '..', 'setup.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop();
}

/**
 * Starts code-server on a free loopback port (it picks it: port 0) for `workspace`, state under `dir`.
 * Resolves to the child process with `.url` once /healthz answers.
 */
async function startCodeServer({ executable, dir, workspace, settings, env }) {
  const userData = path.join(dir, 'user-data');
  const extensions = path.join(dir, 'extensions');
  for (const sub of ['user-data/User', 'extensions', 'xdg-config', 'xdg-data', 'xdg-cache', 'tmp']) {
    fs.mkdirSync(path.join(dir, sub), { recursive: true });
  }
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const child = startGroup(executable, [
    '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--user-data-dir', userData,
    '--extensions-dir', extensions, '--config', path.join(dir, 'xdg-config', 'code-server.yaml'), workspace,
  ], {
    cwd: dir,
    env: {
      ...process.env,
      ...env,
      XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
      XDG_DATA_HOME: path.join(dir, 'xdg-data'),
      XDG_CACHE_HOME: path.join(dir, 'xdg-cache'), // VS Code's device id file
      TMPDIR: path.join(dir, 'tmp'),
      EXTENSIONS_GALLERY: '{}',
    },
    logFile: path.join(dir, 'code-server.log'),
  });
  try {
    const port = await waitFor('code-server to log its address', 60000, () => {
      if (child.exitCode !== null) throw new Error(`code-server exited: ${child.output}`);
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(child.output);
      return m && Number(m[1]);
    });
    child.url = `http://127.0.0.1:${port}`;
    await waitFor('code-server /healthz', 60000, () => healthy(child.url));
    return child;
  } catch (e) {
    await stopGroup(child);
    throw e;
  }
}

function healthy(url) {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

module.exports = { baseSettings, installExtension, codeServerExecutable, startCodeServer, stopCodeServer: stopGroup, EXTENSION_FOLDER };
