/**
 * What config loading needs from the machine it runs on, passed in so specs can say
 * "on macOS with the iTerm2 socket present" without being on that machine.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface ConfigEnv {
  platform: NodeJS.Platform;
  home: string;
  cwd: string;
  /** Environment variables (`ZORO_CONFIG`, `PATH`). */
  vars: Record<string, string | undefined>;
  exists(path: string): boolean;
  /** True when `command` is an executable file on PATH. */
  onPath(command: string): boolean;
}

/** The real machine. */
export function systemConfigEnv(): ConfigEnv {
  return {
    platform: process.platform,
    home: homedir(),
    cwd: process.cwd(),
    vars: process.env,
    exists: existsSync,
    onPath: (command) => findOnPath(command, process.env.PATH ?? '') !== null,
  };
}

/** The full path of `command` on `pathVariable` (a PATH value), or null. */
export function findOnPath(command: string, pathVariable: string): string | null {
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** Lookup failures that just mean "not here"; the search goes on. */
const NOT_HERE = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'ELOOP', 'ENAMETOOLONG']);

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch (error) {
    if (NOT_HERE.has((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
}
