/**
 * A small fake of the `vscode` API: just what the extension's modules use, recording what they
 * show so tests can assert what the user would see.
 */

export class EventEmitter<T> {
  private listeners: Array<(value: T) => void> = [];
  event = (listener: (value: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}
}

export class Diagnostic {
  source: string | undefined;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: DiagnosticSeverity,
  ) {}
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export class FakeStatusBarItem {
  text = '';
  tooltip: string | undefined;
  name: string | undefined;
  command: { command: string; title: string } | string | undefined;
  backgroundColor: ThemeColor | undefined;
  accessibilityInformation: { label: string } | undefined;
  visible = false;
  disposed = false;
  constructor(
    readonly id: string,
    readonly alignment: StatusBarAlignment,
    readonly priority: number,
  ) {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.disposed = true;
  }
}

export interface FakePty {
  onDidWrite: (listener: (text: string) => void) => { dispose(): void };
  open(): void;
  close(): void;
}

export class FakeTerminal {
  shown: Array<boolean | undefined> = [];
  written = '';
  disposed = false;
  constructor(
    readonly name: string,
    readonly pty: FakePty,
  ) {
    pty.onDidWrite((text) => (this.written += text));
  }
  show(preserveFocus?: boolean): void {
    this.shown.push(preserveFocus);
  }
  dispose(): void {
    this.disposed = true;
  }
}

export class FakeDiagnosticCollection {
  readonly entries = new Map<string, Diagnostic[]>();
  constructor(readonly name: string) {}
  set(uri: Uri, diagnostics: Diagnostic[]): void {
    this.entries.set(uri.fsPath, diagnostics);
  }
  clear(): void {
    this.entries.clear();
  }
  dispose(): void {
    this.entries.clear();
  }
}

/** Everything the fake recorded; `reset()` between tests. */
export const recorded = {
  statusBarItems: [] as FakeStatusBarItem[],
  terminals: [] as FakeTerminal[],
  diagnosticCollections: [] as FakeDiagnosticCollection[],
  messages: [] as Array<{ kind: 'info' | 'warning' | 'error'; message: string; items: string[] }>,
  configuration: {} as Record<string, unknown>,
  /** What the next show*Message resolves with. */
  messageChoice: undefined as string | undefined,
  closeTerminal: new EventEmitter<FakeTerminal>(),
  configurationChange: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  outputChannels: [] as FakeOutputChannel[],
  workspaceFolders: undefined as Array<{ uri: Uri; name: string; index: number }> | undefined,
  /** What the next showInputBox resolves with. */
  inputBoxValue: undefined as string | undefined,
  inputBoxOptions: [] as Array<{ value?: string }>,
  /** Sets settings as the user would and tells the extension, like VS Code does. */
  changeSettings(values: Record<string, unknown>): void {
    Object.assign(this.configuration, values);
    const keys = Object.keys(values);
    this.configurationChange.fire({
      affectsConfiguration: (section: string) =>
        keys.some((k) => k === section || k.startsWith(`${section}.`)),
    });
  },
  reset(): void {
    this.statusBarItems = [];
    this.terminals = [];
    this.diagnosticCollections = [];
    this.messages = [];
    this.configuration = {};
    this.messageChoice = undefined;
    this.closeTerminal = new EventEmitter<FakeTerminal>();
    this.configurationChange = new EventEmitter();
    this.commands = new Map();
    this.outputChannels = [];
    this.workspaceFolders = undefined;
    this.inputBoxValue = undefined;
    this.inputBoxOptions = [];
  },
};

function message(kind: 'info' | 'warning' | 'error') {
  return (text: string, ...items: string[]) => {
    recorded.messages.push({ kind, message: text, items });
    return Promise.resolve(recorded.messageChoice);
  };
}

/** A workspaceState kept in memory. */
export class FakeMemento {
  private readonly values = new Map<string, unknown>();
  get<T>(key: string, fallback: T): T {
    return this.values.has(key) ? (this.values.get(key) as T) : fallback;
  }
  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
}

/** What the extension reads of its ExtensionContext. */
export interface FakeExtensionContext {
  subscriptions: Array<{ dispose(): unknown }>;
  extensionPath: string;
  workspaceState: FakeMemento;
}

/** A fresh context for an extension installed at `extensionPath`. */
export function fakeExtensionContext(extensionPath: string): FakeExtensionContext {
  return { subscriptions: [], extensionPath, workspaceState: new FakeMemento() };
}

export class FakeOutputChannel {
  text = '';
  shown = false;
  constructor(readonly name: string) {}
  append(value: string): void {
    this.text += value;
  }
  appendLine(value: string): void {
    this.text += `${value}\n`;
  }
  show(): void {
    this.shown = true;
  }
  dispose(): void {}
}

export const commands = {
  registerCommand(id: string, handler: (...args: unknown[]) => unknown) {
    if (recorded.commands.has(id)) {
      throw new Error(`command ${id} already exists`);
    }
    recorded.commands.set(id, handler);
    return { dispose: () => recorded.commands.delete(id) };
  },
  executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    const handler = recorded.commands.get(id);
    if (!handler) {
      return Promise.reject(new Error(`command '${id}' not found`));
    }
    return Promise.resolve(handler(...args));
  },
};

export const window = {
  createOutputChannel(name: string): FakeOutputChannel {
    const channel = new FakeOutputChannel(name);
    recorded.outputChannels.push(channel);
    return channel;
  },
  showInputBox(options: { value?: string }): Promise<string | undefined> {
    recorded.inputBoxOptions.push(options);
    return Promise.resolve(recorded.inputBoxValue);
  },
  createStatusBarItem(id: string, alignment: StatusBarAlignment, priority: number): FakeStatusBarItem {
    const item = new FakeStatusBarItem(id, alignment, priority);
    recorded.statusBarItems.push(item);
    return item;
  },
  createTerminal(options: { name: string; pty: FakePty }): FakeTerminal {
    const terminal = new FakeTerminal(options.name, options.pty);
    recorded.terminals.push(terminal);
    return terminal;
  },
  onDidCloseTerminal(listener: (terminal: FakeTerminal) => void) {
    return recorded.closeTerminal.event(listener);
  },
  showInformationMessage: message('info'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
};

export const languages = {
  createDiagnosticCollection(name: string): FakeDiagnosticCollection {
    const collection = new FakeDiagnosticCollection(name);
    recorded.diagnosticCollections.push(collection);
    return collection;
  },
};

export const workspace = {
  get workspaceFolders() {
    return recorded.workspaceFolders;
  },
  onDidChangeConfiguration(listener: (event: { affectsConfiguration(section: string): boolean }) => void) {
    return recorded.configurationChange.event(listener);
  },
  getConfiguration(section: string) {
    const key = (k: string) => `${section}.${k}`;
    return {
      get<T>(k: string, fallback: T): T {
        return key(k) in recorded.configuration ? (recorded.configuration[key(k)] as T) : fallback;
      },
      inspect<T>(k: string) {
        return key(k) in recorded.configuration ? { key: key(k), workspaceValue: recorded.configuration[key(k)] as T } : { key: key(k) };
      },
      update(k: string, value: unknown) {
        recorded.configuration[key(k)] = value;
        return Promise.resolve();
      },
    };
  },
};
