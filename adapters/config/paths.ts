/**
 * Where access.txt lives and how paths inside it resolve.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { systemConfigEnv, type ConfigEnv } from './env.js';

/** `~/.zoro/access.txt` under `home`: where `zoro init` writes by default. */
export function defaultConfigFile(home: string): string {
  return join(home, '.zoro', 'access.txt');
}

/**
 * The access.txt to read: `--config` > `$ZORO_CONFIG` > `./access.txt` when present >
 * `~/.zoro/access.txt`. Always absolute.
 *
 *   configPath(flags.config)   // '/home/me/.zoro/access.txt'
 */
export function configPath(flag?: string, env: ConfigEnv = systemConfigEnv()): string {
  const chosen = flag || env.vars.ZORO_CONFIG;
  if (chosen) return resolve(env.cwd, expandHome(chosen, env.home));
  const local = join(env.cwd, 'access.txt');
  if (env.exists(local)) return local;
  return defaultConfigFile(env.home);
}

/**
 * Where `zoro init` writes: like `configPath` but without the `./access.txt` step, so
 * `init` in a directory that already has one still creates the per-user file.
 */
export function initConfigPath(flag?: string, env: ConfigEnv = systemConfigEnv()): string {
  const chosen = flag || env.vars.ZORO_CONFIG;
  return chosen ? resolve(env.cwd, expandHome(chosen, env.home)) : defaultConfigFile(env.home);
}

/** `~` and `~/x` → under `home`; anything else unchanged. */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(home, path.slice(2));
  return path;
}

/**
 * A path from access.txt made absolute: `~` is the home directory, and a relative path is
 * relative to the directory of the file that names it (not to wherever zoro was started).
 * Returns null for `~user/…`, which zoro does not resolve.
 */
export function resolveConfigPath(value: string, baseDir: string, home: string): string | null {
  if (/^~[^/\\]/.test(value)) return null;
  const expanded = expandHome(value, home);
  return isAbsolute(expanded) ? resolve(expanded) : resolve(baseDir, expanded);
}
