/**
 * Spec helper: collect a terminal's output and wait for text in it (never for a fixed time).
 * Searching resumes where it stopped, so waiting on a 5 MB stream stays linear.
 */
import { join } from 'node:path';
import { projectRoot } from '../../../lib/self.js';
import type { Terminal, TerminalExit } from '../../../adapters/terminals/types.js';

/** argv of the fixture program: bracketed paste, raw keys, `[paste:…]` / `[submit:…]` markers. */
export function echoAgent(): string[] {
  return [process.execPath, join(projectRoot, 'specs/fixtures/terminals/echo-agent.mjs')];
}

interface Waiter {
  needle: string;
  from: number;
  resolve(): void;
}

export class Watch {
  text = '';
  readonly exit: Promise<TerminalExit>;
  private waiters: Waiter[] = [];

  constructor(readonly terminal: Terminal) {
    terminal.onOutput((chunk) => {
      this.text += chunk;
      this.waiters = this.waiters.filter((waiter) => !this.found(waiter));
    });
    this.exit = new Promise((resolve) => terminal.onExit(resolve));
  }

  /** Resolves when the output (so far or later) contains `needle`. */
  until(needle: string, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
        reject(new Error(`no ${JSON.stringify(needle)} within ${timeoutMs} ms; output ends with ${JSON.stringify(this.text.slice(-600))}`));
      }, timeoutMs);
      const waiter: Waiter = {
        needle,
        from: 0,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      if (!this.found(waiter)) this.waiters.push(waiter);
    });
  }

  /** How often `needle` occurs in the output so far. */
  count(needle: string): number {
    return this.text.split(needle).length - 1;
  }

  private found(waiter: Waiter): boolean {
    const at = this.text.indexOf(waiter.needle, waiter.from);
    if (at === -1) {
      waiter.from = Math.max(0, this.text.length - waiter.needle.length);
      return false;
    }
    waiter.resolve();
    return true;
  }
}

/** Resolves with the exit, or rejects after `timeoutMs`. */
export function exitWithin(watch: Watch, timeoutMs = 15_000): Promise<TerminalExit> {
  return Promise.race([
    watch.exit,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms`)), timeoutMs).unref()),
  ]);
}

/** Resolves when `work` rejects with a message matching `pattern`; fails the spec otherwise. */
export async function rejects(work: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await work().then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error(`expected a rejection matching ${pattern}, got ${String(error)}`);
  if (!pattern.test(error.message)) throw new Error(`expected a rejection matching ${pattern}, got: ${error.message}`);
}
