import * as fs from 'fs';
import * as vscode from 'vscode';
import { authorizeGist, runAuthorize } from './authorize';
import { BRIDGE_SETTINGS, authLaunch, bridgeLaunch, initializeParams, serverAddress } from './bridgeSetup';
import { BridgeSupervisor } from './bridgeSupervisor';
import { RunPresenter } from './runPresenter';
import { readSettings } from './settings';
import { ShellWordsError, splitShellWords } from './shellWords';
import { ToxStatusBar } from './statusBar';
import { hasToxConfig } from './toxConfig';
import { ToxTerminal } from './toxTerminal';

const LAST_ARGS_KEY = 'toxServer.lastArgs';

let supervisor: BridgeSupervisor | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const activatedAt = Date.now();
  const log = vscode.window.createOutputChannel('Tox Server');
  context.subscriptions.push(log);
  const logLine = (line: string) => log.appendLine(`${new Date().toISOString()} ${line}`);

  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder = folders.find((f) => f.uri.scheme === 'file' && hasToxConfig(f.uri.fsPath));
  if (!folder) {
    const message =
      'Tox Server: no folder of this workspace has a tox configuration at its top level ' +
      '(tox.ini, setup.cfg with [tox:tox], or pyproject.toml with [tool.tox] or legacy_tox_ini).';
    logLine(message);
    for (const command of COMMANDS) {
      context.subscriptions.push(
        vscode.commands.registerCommand(command, () => void vscode.window.showWarningMessage(message)),
      );
    }
    return;
  }
  const notes: string[] = [];
  if (folders.length > 1) {
    const note = `Using the folder "${folder.name}" (${folder.uri.fsPath}): the first of this workspace with a tox configuration.`;
    notes.push(note);
    logLine(note);
    void vscode.window.showInformationMessage(`Tox Server: ${note}`);
  }

  const settings = () => readSettings(folder.uri);
  const bridge = new BridgeSupervisor({
    launch: () => {
      const launch = bridgeLaunch(settings(), context.extensionPath, process.env);
      if (launch.command.startsWith(context.extensionPath)) {
        ensureExecutable(launch.command);
      }
      return launch;
    },
    initializeParams: () => initializeParams(settings(), folder.uri.fsPath, process.env, process.pid),
  });
  supervisor = bridge;
  const terminal = new ToxTerminal();
  const statusBar = new ToxStatusBar({
    serverAddress: serverAddress(settings(), process.env),
    lastResult: undefined,
    autoRun: settings().autoRun,
    notes,
  });
  const presenter = new RunPresenter(
    {
      workspaceFolder: folder.uri.fsPath,
      settings,
      connection: () => bridge.connection,
      log: logLine,
      showLog: () => log.show(true),
    },
    terminal,
    statusBar,
  );
  context.subscriptions.push(terminal, statusBar, presenter, { dispose: () => bridge.dispose() });

  bridge.onNotification((n) => presenter.handle(n));
  bridge.onLog((text) => log.append(text));
  bridge.onStarted(({ connection, result }) => {
    logLine(
      `Bridge started (${result.bridgeVersion}, bridge pid ${connection.pid}) for ${folder.uri.fsPath}; server ${serverAddress(settings(), process.env)} ` +
        `${result.serverReachable ? 'reachable' : 'unreachable'}` +
        (result.serverWorkdir ? `, its working directory ${result.serverWorkdir}` : ''),
    );
    presenter.bridgeStarted(result.serverReachable, result.serverWorkdir);
  });
  bridge.onFailure((failure) => {
    if (failure.notAuthorised !== undefined) {
      logLine(`Bridge not started: this machine is not authorised by the tox-server: ${failure.notAuthorised}`);
      presenter.bridgeNotAuthorised(failure.notAuthorised);
      return;
    }
    logLine(`Bridge failure: ${failure.reason}${failure.restarting ? '; restarting it' : '; not restarting it again'}`);
    presenter.bridgeStopped(failure.reason, failure.restarting);
    if (!failure.restarting) {
      void vscode.window
        .showErrorMessage(
          `Tox Server: the bridge keeps stopping (${failure.reason}); it is not restarted again.`,
          'Show log',
          'Restart Bridge',
        )
        .then((choice) => {
          if (choice === 'Show log') {
            log.show(true);
          } else if (choice === 'Restart Bridge') {
            void vscode.commands.executeCommand('toxServer.restartBridge');
          }
        });
    }
  });

  // Restarts one at a time, so quick setting changes end with one bridge on the newest settings.
  let restarting: Promise<unknown> = Promise.resolve();
  const restartBridge = (why: string) => {
    restarting = restarting.then(async () => {
      logLine(`Restarting the bridge: ${why}`);
      presenter.bridgeStopped('the bridge was restarted', true);
      await bridge.restart();
    });
    return restarting;
  };

  const register = (command: string, handler: () => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(command, handler));
  register('toxServer.run', () => presenter.run(undefined));
  register('toxServer.runWithArgs', async () => {
    const input = await vscode.window.showInputBox({
      title: 'Tox Server: Run Tests With Arguments',
      prompt: 'Arguments for tox, split like a shell would (quotes group words); nothing is expanded.',
      placeHolder: '-e py312 -- -k login',
      value: context.workspaceState.get<string>(LAST_ARGS_KEY, ''),
      validateInput: (value) => {
        try {
          splitShellWords(value);
          return undefined;
        } catch (error) {
          return error instanceof ShellWordsError ? error.message : String(error);
        }
      },
    });
    if (input === undefined) {
      return;
    }
    await context.workspaceState.update(LAST_ARGS_KEY, input);
    const words = splitShellWords(input);
    await presenter.run(words.length === 0 ? undefined : words);
  });
  register('toxServer.cancel', async () => {
    if (!(await presenter.cancel())) {
      void vscode.window.showInformationMessage('Tox Server: no run to cancel.');
    }
  });
  register('toxServer.toggleAutoRun', async () => {
    const enabled = !settings().autoRun;
    await vscode.workspace
      .getConfiguration('toxServer', folder.uri)
      .update('autoRun', enabled, vscode.ConfigurationTarget.Workspace);
    void vscode.window.showInformationMessage(`Tox Server: auto-run ${enabled ? 'on' : 'off'}.`);
  });
  register('toxServer.showOutput', () => presenter.showTerminal());
  register('toxServer.checkServer', async () => {
    const connection = bridge.connection;
    const address = serverAddress(settings(), process.env);
    if (!connection) {
      void vscode.window.showErrorMessage('Tox Server: the bridge is not running.', 'Show log').then((choice) => {
        if (choice === 'Show log') {
          log.show(true);
        }
      });
      return;
    }
    let status;
    try {
      status = await connection.status();
    } catch (error) {
      void vscode.window.showErrorMessage(`Tox Server: the bridge did not answer: ${String(error)}`);
      return;
    }
    if (status.serverReachable) {
      void vscode.window.showInformationMessage(
        `Tox Server: the tox-server at ${address} answers (${status.serverTasks} run(s) queued or running).`,
      );
    } else {
      void vscode.window.showWarningMessage(
        `Tox Server: the tox-server at ${address} does not answer. Is it running, and is its port published?`,
      );
    }
  });
  register('toxServer.restartBridge', () => restartBridge('asked for'));
  register('toxServer.authorize', async () => {
    const launch = authLaunch(settings(), context.extensionPath, process.env, folder.uri.fsPath);
    if (launch.command.startsWith(context.extensionPath)) {
      ensureExecutable(launch.command);
    }
    logLine(`Authorising this machine: ${launch.command} ${launch.args.join(' ')}`);
    const result = await runAuthorize(launch);
    log.append(result.stdout);
    log.append(result.stderr);
    if (!result.ok) {
      logLine(`Authorising failed: ${result.failure}`);
      const said = result.stderr.trim();
      void vscode.window
        .showErrorMessage(`Tox Server: could not authorise this machine: ${said || result.failure}`, 'Show log')
        .then((choice) => {
          if (choice === 'Show log') {
            log.show(true);
          }
        });
      return;
    }
    void vscode.window.showInformationMessage(`Tox Server: ${authorizeGist(result.stdout, folder.uri.fsPath)}`);
    // A bridge that runs reconnects by itself once the server accepts the key; one that could
    // not start (initialize failed with -32005) or gave up needs a new start.
    if (!bridge.supervising) {
      await restartBridge('this machine was authorised');
    }
  });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('toxServer', folder.uri)) {
        return;
      }
      const current = settings();
      presenter.updateDetails({ serverAddress: serverAddress(current, process.env), autoRun: current.autoRun });
      const changed = BRIDGE_SETTINGS.filter((key) => event.affectsConfiguration(`toxServer.${key}`, folder.uri));
      if (changed.length > 0) {
        void restartBridge(`settings changed: ${changed.join(', ')}`);
      } else if (event.affectsConfiguration('toxServer.autoRun', folder.uri)) {
        const connection = bridge.connection;
        if (connection) {
          connection.setAutoRun(current.autoRun).then(
            () => logLine(`Auto-run ${current.autoRun ? 'on' : 'off'}`),
            (error: unknown) => logLine(`setAutoRun failed: ${String(error)}`),
          );
        }
      }
    }),
  );

  logLine(`Activated in ${Date.now() - activatedAt} ms; starting the bridge`);
  void bridge.start().then((result) => {
    if (result) {
      logLine(`Bridge ready ${Date.now() - activatedAt} ms after activation`);
    }
  });
}

/** Stops the bridge: shutdown and exit, a kill after 2 s. */
export async function deactivate(): Promise<void> {
  const stopping = supervisor;
  supervisor = undefined;
  await stopping?.stop();
}

/** Some unzip paths drop the executable bit of the bundled launcher; put it back. */
function ensureExecutable(file: string): void {
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    try {
      fs.chmodSync(file, 0o755);
    } catch {
      // Starting it will fail with a message that names the file.
    }
  }
}

const COMMANDS = [
  'toxServer.run',
  'toxServer.runWithArgs',
  'toxServer.cancel',
  'toxServer.toggleAutoRun',
  'toxServer.showOutput',
  'toxServer.checkServer',
  'toxServer.restartBridge',
  'toxServer.authorize',
];
