/** Waiting on events in the iTerm2 specs: every wait has a deadline and says what it waited for. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIterm2Runtime, type Iterm2Runtime, type Iterm2RuntimeOptions } from '../../../../adapters/terminals/iterm2/runtime.js';
import type { Terminal } from '../../../../adapters/terminals/types.js';
import { echoAgentCommand, startFakeIterm2, type FakeIterm2, type VirtualSession } from '../../../fakes/iterm2/index.js';

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

export interface AttachedTab {
  fake: FakeIterm2;
  runtime: Iterm2Runtime;
  tab: VirtualSession;
  terminal: Terminal;
  output: OutputRecorder;
  /** The raw bytes of each prompt the echo agent read (empty for an idle tab). */
  prompts(): string[];
  done(): Promise<void>;
}

/**
 * One tab in a scratch repo, attached by a runtime: running the echo agent (ready for a
 * prompt), or an idle shell whose screen the spec writes with `tab.output(...)`.
 */
export async function attachedTab(options: { agent: boolean; runtime?: Partial<Iterm2RuntimeOptions> }): Promise<AttachedTab> {
  const repo = scratchDir();
  const log = join(repo.path, 'prompts.jsonl');
  const fake = await startFakeIterm2({ sessions: [{ cwd: repo.path, command: options.agent ? echoAgentCommand(log) : undefined }] });
  const runtime = createIterm2Runtime({ socketPath: fake.socketPath, credentials: fake.credentials, ...options.runtime });
  const tab = fake.sessions[0]!;
  if (options.agent) await tab.waitForText('echo agent ready');
  else tab.output('Last login: today\n$ claude\n');
  const terminal = await runtime.attach({ name: 'api', cwd: repo.path });
  if (!terminal) throw new Error('the tab in the repo was not matched');
  return {
    fake,
    runtime,
    tab,
    terminal,
    output: new OutputRecorder(terminal),
    prompts: () =>
      readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { raw: string }).raw),
    async done() {
      await runtime.dispose();
      await fake.close();
      repo.remove();
    },
  };
}
