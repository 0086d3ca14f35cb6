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

/** Needles are shorter than this; a chunk is searched together with this much of the output before it. */
const OVERLAP = 256;

export class Watch {
  readonly exit: Promise<TerminalExit>;
  private readonly chunks: string[] = [];
  private joined = '';
  private joinedChunks = 0;
  private tail = '';
  private waiters: { needle: string; resolve(): void }[] = [];

  constructor(readonly terminal: Terminal) {
    terminal.onOutput((chunk) => {
      this.chunks.push(chunk);
      // Only the new chunk (and the end of what came before) is searched: joining and
      // searching the whole of a 5 MB output on every chunk would be quadratic.
      const recent = this.tail + chunk;
      this.tail = recent.slice(-OVERLAP);
      this.waiters = this.waiters.filter((waiter) => {
        if (!recent.includes(waiter.needle)) return true;
        waiter.resolve();
        return false;
      });
    });
    this.exit = new Promise((resolve) => terminal.onExit(resolve));
  }

  /** All output so far. */
  get text(): string {
    if (this.joinedChunks !== this.chunks.length) {
      this.joined += this.chunks.slice(this.joinedChunks).join('');
      this.joinedChunks = this.chunks.length;
    }
    return this.joined;
  }

  /** Resolves when the output (so far or later) contains `needle`. */
  until(needle: string, timeoutMs = 15_000): Promise<void> {
    if (needle.length >= OVERLAP) throw new Error(`needle longer than ${OVERLAP - 1} characters`);
    if (this.text.includes(needle)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        needle,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
        reject(new Error(`no ${JSON.stringify(needle)} within ${timeoutMs} ms; output ends with ${JSON.stringify(this.text.slice(-600))}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** How often `needle` occurs in the output so far. */
  count(needle: string): number {
    return this.text.split(needle).length - 1;
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
