import * as path from 'path';
import { BridgeLaunch } from './bridgeConnection';
import { InitializeParams, OnChange } from './protocol';

/** The extension's settings (`toxServer.*`), read once per use. */
export interface Settings {
  /** Undefined when the user did not set it: the environment (TOX_SERVER_HOST) or the default decides. */
  host: string | undefined;
  port: number | undefined;
  toxArgs: string[];
  autoRun: boolean;
  watchInclude: string[];
  watchExclude: string[];
  debounceMs: number;
  onChange: OnChange;
  bridgePath: string;
  javaHome: string;
  revealTerminal: 'always' | 'onFailure' | 'never';
  notifyOnFailure: boolean;
}

/** Setting keys (below `toxServer.`) whose change needs a new bridge. */
export const BRIDGE_SETTINGS = [
  'host',
  'port',
  'toxArgs',
  'watch',
  'debounceMs',
  'onChange',
  'bridgePath',
  'javaHome',
];

export const DEFAULT_HOST = 'localhost';
export const DEFAULT_PORT = 9876;

/**
 * How to start the bridge: `toxServer.bridgePath` or the bundled launcher, with `stdio`; on
 * Windows (no sh) the bundled jar runs on java directly. javaHome becomes JAVA_HOME.
 */
export function bridgeLaunch(
  settings: Settings,
  extensionPath: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): BridgeLaunch {
  return launcher(settings, extensionPath, env, platform, ['stdio']);
}

/**
 * How to run `bridge auth FOLDER` (authorise this machine with the server of the project): the
 * same launcher as {@link bridgeLaunch}, in the folder.
 */
export function authLaunch(
  settings: Settings,
  extensionPath: string,
  env: NodeJS.ProcessEnv,
  workspaceFolder: string,
  platform: NodeJS.Platform = process.platform,
): BridgeLaunch {
  return { ...launcher(settings, extensionPath, env, platform, ['auth', workspaceFolder]), cwd: workspaceFolder };
}

function launcher(
  settings: Settings,
  extensionPath: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  args: string[],
): BridgeLaunch {
  const launchEnv: NodeJS.ProcessEnv = { ...env };
  if (settings.javaHome !== '') {
    launchEnv.JAVA_HOME = settings.javaHome;
  }
  if (settings.bridgePath !== '') {
    return { command: settings.bridgePath, args, env: launchEnv };
  }
  const bundled = path.join(extensionPath, 'bridge');
  if (platform === 'win32') {
    const javaHome = launchEnv.JAVA_HOME;
    const java = javaHome ? path.join(javaHome, 'bin', 'java.exe') : 'java';
    return {
      command: java,
      args: ['-cp', path.join(bundled, 'target', 'bridge.jar'), 'dev.toxserver.bridge.BridgeCli', ...args],
      env: launchEnv,
    };
  }
  return { command: path.join(bundled, 'bin', 'bridge'), args, env: launchEnv };
}

/**
 * The `initialize` params. Host and port: the settings when the user set them, else the bridge's
 * environment (TOX_SERVER_HOST/TOX_SERVER_PORT) when that has them, else the settings' defaults.
 */
export function initializeParams(
  settings: Settings,
  workspaceFolder: string,
  env: NodeJS.ProcessEnv,
  processId: number,
): InitializeParams {
  const server: { host?: string; port?: number } = {};
  if (settings.host !== undefined || !env.TOX_SERVER_HOST) {
    server.host = settings.host ?? DEFAULT_HOST;
  }
  if (settings.port !== undefined || !env.TOX_SERVER_PORT) {
    server.port = settings.port ?? DEFAULT_PORT;
  }
  return {
    workspaceFolder,
    server,
    toxArgs: settings.toxArgs,
    autoRun: settings.autoRun,
    watch: {
      include: settings.watchInclude,
      exclude: settings.watchExclude,
      debounceMs: settings.debounceMs,
      onChange: settings.onChange,
    },
    processId,
  };
}

/** `host:port` as the bridge will use it, for the tooltip. */
export function serverAddress(settings: Settings, env: NodeJS.ProcessEnv): string {
  const host = settings.host ?? (env.TOX_SERVER_HOST || DEFAULT_HOST);
  const port = settings.port ?? (Number(env.TOX_SERVER_PORT) || DEFAULT_PORT);
  return `${host}:${port}`;
}
