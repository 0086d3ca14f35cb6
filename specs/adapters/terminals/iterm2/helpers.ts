/** Waiting on events in the iTerm2 specs: every wait has a deadline and says what it waited for. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Terminal } from '../../../../adapters/terminals/types.js';

/** The next value a subscription delivers. */
export function nextEvent<T>(subscribe: (listener: (value: T) => void) => () => void, what: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = subscribe((value) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}

/** Everything a terminal printed, and waits on it. */
export class OutputRecorder {
  text = '';
  chunks: string[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(terminal: Terminal) {
    terminal.onOutput((chunk) => {
      this.text += chunk;
      this.chunks.push(chunk);
      for (const check of [...this.waiters]) check();
    });
  }

  /** The lines printed so far. */
  lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }

  until(predicate: (text: string) => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this.text)) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output so far:\n${this.text}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}

/** A scratch directory (a "repo") removed by the returned cleanup. */
export function scratchDir(prefix = 'zoro-repo-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const countReady = (text: string): number => text.split('\n').filter((line) => line.trim() === 'READY FOR NEW TASKS').length;
