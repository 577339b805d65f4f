'use strict';
// A real tox-server (the repo's jar) serving the scratch workspace on a free loopback port.
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startGroup, stopGroup, waitFor } = require('./processes');

const repo = path.resolve(__dirname, '..', '..', '..');
const serverJar = path.join(repo, 'server', 'target', 'tox-server.jar');
const bridgeLauncher = path.join(repo, 'bridge', 'bin', 'bridge');
const bridgeJar = path.join(repo, 'bridge', 'target', 'bridge.jar');

function checkBuilt() {
  for (const jar of [serverJar, bridgeJar]) {
    if (!fs.existsSync(jar)) {
      throw new Error(`${jar} is missing: build it first with (cd ${repo} && mvn -q package -DskipTests)`);
    }
  }
}

/** Starts `tox-server -p 0 serve` in `workdir` (it picks the port and logs it); resolves once it answers a ping. */
async function startToxServer(workdir, logFile) {
  checkBuilt();
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const server = startGroup(java, ['-jar', serverJar, '-p', '0', '-b', '127.0.0.1', 'serve', '--no-tee'], {
    cwd: workdir,
    env: process.env,
    logFile,
  });
  try {
    const port = await waitFor('tox-server to log its port', 30000, () => {
      if (server.exitCode !== null) throw new Error(`tox-server exited: ${server.output}`);
      const m = /Running server at tcp:\/\/127\.0\.0\.1:(\d+)/.exec(server.output);
      return m && Number(m[1]);
    });
    server.port = port;
    await waitFor('tox-server to answer a ping', 30000, () => ping(port));
    return server;
  } catch (e) {
    await stopGroup(server);
    throw e;
  }
}

/** Resolves to the server's ping reply (an object) or null when it did not answer: `bridge -p PORT ping`. */
function ping(port, timeoutSeconds = 5) {
  return new Promise((resolve) => {
    execFile(bridgeLauncher, ['-p', String(port), '-h', '127.0.0.1', '-t', String(timeoutSeconds), 'ping'],
      { timeout: (timeoutSeconds + 10) * 1000 }, (err, stdout) => {
        if (err) return resolve(null);
        try { resolve(JSON.parse(stdout)); } catch { resolve(null); }
      });
  });
}

module.exports = { startToxServer, stopToxServer: stopGroup, ping, repo, bridgeLauncher, bridgeJar };
