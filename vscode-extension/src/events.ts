/** A disposable, shaped like vscode's, so the modules here need no vscode. */
export interface Disposable {
  dispose(): void;
}

/** A minimal typed event emitter, shaped like vscode.EventEmitter (which needs the editor). */
export class Emitter<T> {
  private listeners: Array<(value: T) => void> = [];

  /** Subscribes; the returned Disposable unsubscribes. */
  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      listener(value);
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}
