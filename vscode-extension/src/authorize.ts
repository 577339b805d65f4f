import { spawn } from 'child_process';
import { BridgeLaunch } from './bridgeConnection';

/** How long `bridge auth` may take before it is killed. */
export const AUTHORIZE_TIMEOUT_MS = 30_000;

/** How `bridge auth` went. */
export interface AuthorizeResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Why it failed, in one sentence (the exit code, the timeout, or why it could not start). */
  failure: string | undefined;
}

/**
 * Runs `bridge auth FOLDER` (the launch from `authLaunch`): no shell, killed after `timeoutMs`.
 * Never rejects; the result says what happened.
 */
export function runAuthorize(launch: BridgeLaunch, timeoutMs = AUTHORIZE_TIMEOUT_MS): Promise<AuthorizeResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const done = (failure: string | undefined) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ ok: failure === undefined, stdout, stderr, failure });
      }
    };
    const child = spawn(launch.command, launch.args, {
      env: launch.env,
      cwd: launch.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error) =>
      done(
        `could not start '${launch.command}': ${error.message}. ` +
          'Check the setting toxServer.bridgePath (and toxServer.javaHome).',
      ),
    );
    child.once('close', (code, signal) => {
      if (timedOut) {
        done(`'bridge auth' did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`);
      } else if (code === 0) {
        done(undefined);
      } else {
        done(`'bridge auth' failed (${signal ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`})`);
      }
    });
  });
}

/** What to tell the user after a successful `bridge auth`: the line saying what it did. */
export function authorizeGist(stdout: string, workspaceFolder: string): string {
  const lines = stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const said = lines.find((l) => /^(Authorised|Already authorised|Replaced)/.test(l)) ?? lines[lines.length - 1];
  return said ?? `Authorised this machine for ${workspaceFolder}.`;
}
