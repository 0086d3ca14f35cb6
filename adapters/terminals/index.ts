/**
 * Terminal runtimes: where agents run. `createRuntime('tmux' | 'pty' | 'iterm2', options)`
 * picks one.
 */
import { execFile } from 'node:child_process';
import { createPtyRuntime, type PtyRuntime, type PtyRuntimeOptions } from './pty/index.js';
import { createTmuxRuntime, type TmuxRuntime, type TmuxRuntimeOptions } from './tmux/index.js';
import { createIterm2Runtime, type Iterm2Runtime, type Iterm2RuntimeOptions } from './iterm2/index.js';
import { tmuxEnvironment } from './tmux/exec.js';

export type { Key, StartOptions, Terminal, TerminalExit, TerminalRuntime } from './types.js';
export { createPtyRuntime, type PtyRuntime, type PtyRuntimeOptions } from './pty/index.js';
export { createTmuxRuntime, type TmuxRuntime, type TmuxRuntimeEvent, type TmuxRuntimeOptions } from './tmux/index.js';
export { createIterm2Runtime, type Iterm2Runtime, type Iterm2RuntimeOptions } from './iterm2/index.js';

export interface RuntimeOptionsByName {
  tmux: TmuxRuntimeOptions;
  pty: PtyRuntimeOptions;
  iterm2: Iterm2RuntimeOptions;
}

export interface RuntimeByName {
  tmux: TmuxRuntime;
  pty: PtyRuntime;
  iterm2: Iterm2Runtime;
}

/** @example const runtime = createRuntime('tmux', { socketName: 'zoro' }); */
export function createRuntime<Name extends keyof RuntimeOptionsByName>(
  name: Name,
  options: RuntimeOptionsByName[Name] = {},
): RuntimeByName[Name] {
  // One entry per runtime.
  const byName: { [N in keyof RuntimeOptionsByName]: (options: RuntimeOptionsByName[N]) => RuntimeByName[N] } = {
    tmux: createTmuxRuntime,
    pty: createPtyRuntime,
    iterm2: createIterm2Runtime,
  };
  return byName[name](options);
}

/** The tmux features zoro needs (format subscriptions, flow control, attach -f) came in 3.2. */
const MINIMUM_TMUX = [3, 2] as const;

/** True when `tmux -V` runs and reports 3.2 or later (or a development build). */
export function tmuxAvailable(binary = 'tmux'): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(binary, ['-V'], { timeout: 5000, env: tmuxEnvironment() }, (error, stdout) => {
      // A missing or broken binary is exactly what "not available" means.
      if (error) return resolve(false);
      resolve(tmuxVersionSupported(stdout));
    });
  });
}

/** `tmux 3.3a` → true; `tmux 3.1c` → false; `tmux next-3.5` / `tmux master` → true. */
export function tmuxVersionSupported(versionLine: string): boolean {
  const text = versionLine.trim();
  if (/^tmux (master|next-)/.test(text)) return true;
  const match = /^tmux (\d+)\.(\d+)/.exec(text);
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > MINIMUM_TMUX[0] || (major === MINIMUM_TMUX[0] && minor >= MINIMUM_TMUX[1]);
}
