import type { TerminalExit } from './types.js';

/**
 * A tiny listener list for the terminal runtimes' `onOutput` / `onExit`.
 *
 * A listener that throws must not break the reader that feeds every other pane (the tmux
 * control client serves all panes from one stream), so the error is rethrown on a
 * microtask: it still surfaces as an uncaught error, as an EventEmitter's would, but the
 * other listeners and the stream go on.
 */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }

  get size(): number {
    return this.listeners.size;
  }
}

const EARLY_OUTPUT_LIMIT = 1024 * 1024;

/**
 * A terminal's output and exit listeners, shared by the runtimes. Output that arrives
 * before anyone listens (a program can print before `start()` has returned to its caller)
 * is kept, up to 1 MiB, and handed to the first listener; a listener that comes after the
 * exit still hears of it.
 */
export class TerminalEvents {
  private readonly outputs = new Listeners<string>();
  private readonly exits = new Listeners<TerminalExit>();
  private early: string[] | null = [];
  private earlySize = 0;
  private ending: TerminalExit | null = null;

  get exit(): TerminalExit | null {
    return this.ending;
  }

  output(text: string): void {
    if (this.early !== null && this.outputs.size === 0) {
      if (this.earlySize + text.length <= EARLY_OUTPUT_LIMIT) {
        this.early.push(text);
        this.earlySize += text.length;
      }
      return;
    }
    this.outputs.emit(text);
  }

  /** Fires the exit once; later calls are ignored. */
  ended(exit: TerminalExit): boolean {
    if (this.ending !== null) return false;
    this.ending = exit;
    this.exits.emit(exit);
    return true;
  }

  onOutput(listener: (chunk: string) => void): () => void {
    const remove = this.outputs.add(listener);
    const early = this.early;
    this.early = null;
    if (early !== null && early.length > 0) {
      const single = new Listeners<string>();
      single.add(listener);
      for (const text of early) single.emit(text);
    }
    return remove;
  }

  onExit(listener: (exit: TerminalExit) => void): () => void {
    const ending = this.ending;
    if (ending !== null) {
      const single = new Listeners<TerminalExit>();
      single.add(listener);
      queueMicrotask(() => single.emit(ending));
    }
    return this.exits.add(listener);
  }

  /** Stop delivering anything. */
  clear(): void {
    this.early = null;
    this.outputs.clear();
    this.exits.clear();
  }
}

/** What every runtime's Terminal shares: its listeners and whether its program runs. */
export abstract class ListenedTerminal {
  protected readonly events = new TerminalEvents();
  protected running = true;

  alive(): boolean {
    return this.running;
  }

  onOutput(listener: (chunk: string) => void): () => void {
    return this.events.onOutput(listener);
  }

  onExit(listener: (exit: TerminalExit) => void): () => void {
    return this.events.onExit(listener);
  }
}
