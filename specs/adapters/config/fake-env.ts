import type { ConfigEnv } from '../../../adapters/config/env.js';

/** A machine described in the spec: which files exist and which commands are installed. */
export function fakeEnv(options: { platform?: NodeJS.Platform; files?: string[]; commands?: string[]; vars?: Record<string, string>; cwd?: string } = {}): ConfigEnv {
  const files = new Set(options.files ?? []);
  const commands = new Set(options.commands ?? ['tmux']);
  return {
    platform: options.platform ?? 'linux',
    home: '/home/me',
    cwd: options.cwd ?? '/work/here',
    vars: options.vars ?? {},
    exists: (path) => files.has(path),
    onPath: (command) => commands.has(command),
  };
}
