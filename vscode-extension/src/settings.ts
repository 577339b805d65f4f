import * as vscode from 'vscode';
import { Settings } from './bridgeSetup';
import { OnChange } from './protocol';

/** Reads `toxServer.*` for a folder. Host and port count only when the user set them. */
export function readSettings(scope?: vscode.Uri): Settings {
  const config = vscode.workspace.getConfiguration('toxServer', scope);
  return {
    host: explicit<string>(config, 'host'),
    port: explicit<number>(config, 'port'),
    toxArgs: config.get<string[]>('toxArgs', []),
    autoRun: config.get<boolean>('autoRun', true),
    watchInclude: config.get<string[]>('watch.include', []),
    watchExclude: config.get<string[]>('watch.exclude', []),
    debounceMs: config.get<number>('debounceMs', 100),
    onChange: config.get<OnChange>('onChange', 'restart'),
    bridgePath: config.get<string>('bridgePath', '').trim(),
    javaHome: config.get<string>('javaHome', '').trim(),
    revealTerminal: config.get<Settings['revealTerminal']>('revealTerminal', 'onFailure'),
    notifyOnFailure: config.get<boolean>('notifyOnFailure', false),
  };
}

function explicit<T>(config: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const inspected = config.inspect<T>(key);
  return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
}
