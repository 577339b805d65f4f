import * as vscode from 'vscode';

/** Keeps at most this much text for a terminal that is not open yet (or was reopened). */
const BACKLOG_LIMIT = 1_000_000;

/**
 * The "tox" terminal: a Pseudoterminal that shows the runs. Created on first use; when the user
 * closes it, the next write creates it again. It never takes the keyboard focus.
 */
export class ToxTerminal implements vscode.Disposable {
  private terminal: vscode.Terminal | undefined;
  private writeEmitter: vscode.EventEmitter<string> | undefined;
  private opened = false;
  /** Written before the terminal was open: a Pseudoterminal drops writes until then. */
  private backlog: string[] = [];
  private backlogSize = 0;
  private readonly subscriptions: vscode.Disposable[] = [];
  private lastEndedWithNewline = true;

  constructor() {
    this.subscriptions.push(
      vscode.window.onDidCloseTerminal((closed) => {
        if (closed === this.terminal) {
          this.forget();
        }
      }),
    );
  }

  /** Whether the terminal exists (it was created and the user has not closed it). */
  get exists(): boolean {
    return this.terminal !== undefined;
  }

  /** Writes terminal-ready text (CRLF line ends, ANSI escapes), creating the terminal if needed. */
  write(text: string): void {
    if (text.length === 0) {
      return;
    }
    this.ensure();
    this.lastEndedWithNewline = text.endsWith('\n');
    if (this.opened) {
      this.writeEmitter?.fire(text);
    } else {
      this.backlog.push(text);
      this.backlogSize += text.length;
      while (this.backlogSize > BACKLOG_LIMIT && this.backlog.length > 1) {
        this.backlogSize -= this.backlog.shift()?.length ?? 0;
      }
    }
  }

  /** Ends a partial last line, so that what follows starts at column 0. */
  endLine(): void {
    if (!this.lastEndedWithNewline) {
      this.write('\r\n');
    }
  }

  /** Shows the terminal without moving the focus to it. */
  reveal(): void {
    this.ensure();
    this.terminal?.show(true);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.terminal?.dispose();
    this.forget();
  }

  private ensure(): void {
    if (this.terminal) {
      return;
    }
    const writeEmitter = new vscode.EventEmitter<string>();
    this.writeEmitter = writeEmitter;
    const pty: vscode.Pseudoterminal = {
      onDidWrite: writeEmitter.event,
      open: () => {
        this.opened = true;
        const backlog = this.backlog.join('');
        this.backlog = [];
        this.backlogSize = 0;
        if (backlog.length > 0) {
          writeEmitter.fire(backlog);
        }
      },
      close: () => this.forget(),
    };
    this.terminal = vscode.window.createTerminal({ name: 'tox', pty, isTransient: true });
  }

  private forget(): void {
    this.terminal = undefined;
    this.writeEmitter?.dispose();
    this.writeEmitter = undefined;
    this.opened = false;
    this.backlog = [];
    this.backlogSize = 0;
    this.lastEndedWithNewline = true;
  }
}
