/**
 * What the integration tests need from the repository: a real tox-server running fake-tox, the
 * real bridge launcher, and waiting on events with deadlines.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BridgeLaunch } from '../../src/bridgeConnection';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
export const FAKE_TOX = path.join(REPO, 'server', 'src', 'test', 'resources', 'fake-tox');
const SERVER_JAR = path.join(REPO, 'server', 'target', 'tox-server.jar');
const BRIDGE = path.join(REPO, 'bridge', 'bin', 'bridge');
const BRIDGE_JAR = path.join(REPO, 'bridge', 'target', 'bridge.jar');

/** The repository's bridge launcher, as the extension starts it. */
export function bridgeLaunch(): BridgeLaunch {
  for (const file of [BRIDGE_JAR, SERVER_JAR]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing: build it first (cd ${REPO} && mvn -q package -DskipTests)`);
    }
  }
  const env = { ...process.env };
  delete env.TOX_SERVER_HOST;
  delete env.TOX_SERVER_PORT;
  return { command: BRIDGE, args: ['stdio'], env };
}

/** Resolves when `condition` holds, polling every 20 ms; fails after `ms` with `what`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Fails with `what` when `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A scratch folder, removed by the caller. */
export function scratch(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tox-ext-${prefix}-`));
}

/** Whether a process exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A tox-server on a free port of 127.0.0.1 running fake-tox, in its own process group. */
export class FakeToxServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly workdir: string,
    readonly log: () => string,
  ) {}

  /**
   * Starts it in `workdir`. With `auth`, it requires CURVE authentication (`serve --auth`): it
   * writes `.tox-server/server.key` there and accepts the clients in `.tox-server/authorized_keys/`.
   */
  static async start(workdir: string, options: { auth?: boolean } = {}): Promise<FakeToxServer> {
    const child = spawn(
      'java',
      [
        '-jar',
        SERVER_JAR,
        '-p',
        '0',
        'serve',
        ...(options.auth ? ['--auth'] : []),
        '--workdir',
        workdir,
        '--command',
        `/bin/sh ${FAKE_TOX}`,
      ],
      { cwd: workdir, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (log += chunk));
    const server = () => /Running server at tcp:\/\/[^:]+:(\d+)/.exec(log);
    try {
      await until(() => server() !== null || child.exitCode !== null, 20_000, 'the tox-server to listen');
    } catch (error) {
      killGroup(child);
      throw error;
    }
    const match = server();
    if (!match) {
      throw new Error(`the tox-server did not start:\n${log}`);
    }
    return new FakeToxServer(child, Number(match[1]), workdir, () => log);
  }

  /**
   * Stops the server: SIGTERM (it ends its runs' process trees), then SIGKILL to its process
   * group when it has not exited within 5 s.
   */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await within(exited, 5000, 'the tox-server to stop').catch(() => undefined);
    killGroup(this.child);
  }

  /** Kills the server at once, as a crash would. */
  kill(): void {
    killGroup(this.child);
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
