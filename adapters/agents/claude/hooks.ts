/**
 * Claude Code hooks that tell zoro what a session does: each runs `zoro hook <Event>`, which
 * forwards the hook's JSON to the running zoro (see bin/commands/hook.ts).
 *
 * Two places get them: the user's `~/.claude/settings.json` (`zoro init`, so sessions the
 * user starts report too) and a per-run `--settings` JSON for each session zoro starts.
 * Every hook zoro adds carries a marker in its command, so uninstalling removes exactly
 * those; when the file was not touched since, the original bytes come back.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError, ZoroError } from '../../../lib/errors.js';
import { zoroCommand as ownCommand } from '../../../lib/self.js';
import { shellJoin } from './shell.js';

/** The hook events zoro listens to. StopFailure: a turn that ended on an API error (a usage limit) fires no Stop. */
export const HOOK_EVENTS = ['SessionStart', 'UserPromptSubmit', 'Stop', 'StopFailure', 'Notification', 'SessionEnd'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Marks a hook command as zoro's (a shell comment, so it changes nothing when run). */
export const HOOK_MARKER = 'zoro-managed-hook';

/** Seconds Claude Code gives one hook; `zoro hook` itself gives up after 1.5 s. */
const HOOK_TIMEOUT_SECONDS = 10;

export type HookSignal = 'turn_started' | 'turn_ended' | 'needs_human' | 'alive' | 'ended';

/**
 * What a hook means for the session: `Stop` / `StopFailure` → turn_ended, `UserPromptSubmit`
 * → turn_started, `Notification` asking for a permission or an answer → needs_human (other
 * notifications → alive), `SessionStart` → alive, `SessionEnd` → ended; anything else null.
 */
export function hookSignal(event: string, payload: unknown): HookSignal | null {
  switch (event) {
    case 'UserPromptSubmit':
      return 'turn_started';
    case 'Stop':
    case 'StopFailure':
      return 'turn_ended';
    case 'Notification': {
      const type = isRecord(payload) ? payload.notification_type : undefined;
      return type === 'permission_prompt' || type === 'elicitation_dialog' ? 'needs_human' : 'alive';
    }
    case 'SessionStart':
      return 'alive';
    case 'SessionEnd':
      return 'ended';
    default:
      return null;
  }
}

/**
 * The shell command of one hook. `perRun` marks hooks of a per-run `--settings`: when both
 * those and the user-level ones are installed, only the per-run ones forward (no doubles).
 */
export function hookCommand(zoroCommand: string[], event: HookEvent, options: { perRun?: boolean } = {}): string {
  return `${shellJoin([...zoroCommand, 'hook', event, ...(options.perRun ? ['--per-run'] : [])])} # ${HOOK_MARKER}`;
}

type Settings = Record<string, unknown>;
interface HookEntry {
  type?: string;
  command?: string;
  [key: string]: unknown;
}
interface MatcherGroup {
  matcher?: string;
  hooks?: HookEntry[];
  [key: string]: unknown;
}

const isZoros = (hook: HookEntry) => typeof hook.command === 'string' && hook.command.includes(HOOK_MARKER);

/** `settings` with zoro's hooks added (after any older zoro hooks are taken out). Pure. */
export function withZoroHooks(settings: Settings, zoroCommand: string[], options: { perRun?: boolean } = {}): Settings {
  const { settings: clean } = withoutZoroHooks(settings);
  const hooks = isRecord(clean.hooks) ? { ...clean.hooks } : {};
  for (const event of HOOK_EVENTS) {
    const groups = Array.isArray(hooks[event]) ? [...(hooks[event] as MatcherGroup[])] : [];
    groups.push({ hooks: [{ type: 'command', command: hookCommand(zoroCommand, event, options), timeout: HOOK_TIMEOUT_SECONDS }] });
    hooks[event] = groups;
  }
  return { ...clean, hooks };
}

/** `settings` without zoro's hooks, and how many were taken out. Pure. */
export function withoutZoroHooks(settings: Settings): { settings: Settings; removed: number } {
  if (!isRecord(settings.hooks)) return { settings, removed: 0 };
  let removed = 0;
  const hooks: Record<string, unknown> = {};
  for (const [event, value] of Object.entries(settings.hooks)) {
    if (!Array.isArray(value)) {
      hooks[event] = value;
      continue;
    }
    const groups: unknown[] = [];
    for (const group of value as unknown[]) {
      if (!isRecord(group) || !Array.isArray(group.hooks)) {
        groups.push(group);
        continue;
      }
      const kept = (group.hooks as HookEntry[]).filter((hook) => !isRecord(hook) || !isZoros(hook));
      removed += group.hooks.length - kept.length;
      // A group left empty was zoro's own; one that still has the user's hooks stays.
      if (kept.length > 0 || group.hooks.length === 0) groups.push(kept.length === group.hooks.length ? group : { ...group, hooks: kept });
    }
    if (groups.length > 0 || value.length === 0) hooks[event] = groups;
  }
  if (removed === 0) return { settings, removed: 0 };
  const result: Settings = { ...settings, hooks };
  if (Object.keys(hooks).length === 0) delete result.hooks;
  return { settings: result, removed };
}

/**
 * The `--settings` JSON for a session zoro starts: its hooks (marked per-run), and for
 * `bypassPermissions` the setting that skips the "are you sure" dialog no one would answer.
 */
export function sessionSettings(zoroCommand: string[], options: { permissionMode?: string } = {}): Settings {
  const settings = withZoroHooks({}, zoroCommand, { perRun: true });
  if (options.permissionMode === 'bypassPermissions') settings.skipDangerousModePermissionPrompt = true;
  return settings;
}

export interface HooksChange {
  settingsPath: string;
  /** False when the file already said what was asked (nothing written). */
  changed: boolean;
  /** Hooks added (install) or removed (uninstall). */
  count: number;
  /** Uninstall only: the file's original bytes came back (it was not edited since install). */
  restoredOriginal?: boolean;
}

/** Adds zoro's hooks to a Claude `settings.json` (created if missing), keeping everything else. */
export async function installHooks(settingsPath: string, zoroCommand: string[]): Promise<HooksChange> {
  const path = await resolvedPath(settingsPath);
  const original = await readOptional(path);
  const before = parseSettings(original, path);
  const after = withZoroHooks(before, zoroCommand);
  const text = serialize(after, original);
  if (text === original) return { settingsPath: path, changed: false, count: HOOK_EVENTS.length };

  const backup = await readBackup(path);
  const hadOurs = withoutZoroHooks(before).removed > 0;
  // Keep the first install's original while the file is exactly as zoro left it; otherwise
  // the user edited it since, and only a semantic uninstall is possible.
  const next: Backup | null = !hadOurs
    ? { original, installed: sha256(text) }
    : backup && original !== null && backup.installed === sha256(original)
      ? { original: backup.original, installed: sha256(text) }
      : null;
  await mkdir(dirname(path), { recursive: true });
  await writeAtomic(path, text);
  if (next) await writeAtomic(backupPath(path), JSON.stringify(next) + '\n', 0o600);
  else await removeOptional(backupPath(path));
  return { settingsPath: path, changed: true, count: HOOK_EVENTS.length };
}

/**
 * Removes exactly the hooks zoro added. A file untouched since install gets its original
 * bytes back (or is deleted if zoro created it); an edited one loses only zoro's entries.
 */
export async function uninstallHooks(settingsPath: string): Promise<HooksChange> {
  const path = await resolvedPath(settingsPath);
  const current = await readOptional(path);
  const backup = await readBackup(path);
  if (current === null) {
    await removeOptional(backupPath(path));
    return { settingsPath: path, changed: false, count: 0 };
  }
  const { settings, removed } = withoutZoroHooks(parseSettings(current, path));
  if (backup && backup.installed === sha256(current)) {
    if (backup.original === null) await unlink(path);
    else await writeAtomic(path, backup.original);
    await removeOptional(backupPath(path));
    return { settingsPath: path, changed: true, count: removed, restoredOriginal: true };
  }
  await removeOptional(backupPath(path));
  if (removed === 0) return { settingsPath: path, changed: false, count: 0 };
  await writeAtomic(path, serialize(settings, current));
  return { settingsPath: path, changed: true, count: removed, restoredOriginal: false };
}

/**
 * For `zoro init`: install zoro's hooks in the user's `~/.claude/settings.json`, or with
 * `uninstall` remove them. `home` and `zoroCommand` default to the real ones.
 */
export function initHooks(options: { uninstall?: boolean; home?: string; zoroCommand?: string[] } = {}): Promise<HooksChange> {
  const settingsPath = join(options.home ?? homedir(), '.claude', 'settings.json');
  return options.uninstall ? uninstallHooks(settingsPath) : installHooks(settingsPath, options.zoroCommand ?? ownCommand());
}

interface Backup {
  /** The settings file's bytes before zoro's first install; null when there was no file. */
  original: string | null;
  /** sha256 of the file as zoro last wrote it. */
  installed: string;
}

const backupPath = (path: string) => `${path}.zoro-backup`;

async function readBackup(path: string): Promise<Backup | null> {
  const text = await readOptional(backupPath(path));
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value) && typeof value.installed === 'string' && (typeof value.original === 'string' || value.original === null)) {
      return { original: value.original, installed: value.installed };
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  return null; // a damaged backup only costs the byte-exact restore; the semantic one still works
}

function parseSettings(text: string | null, path: string): Settings {
  if (text === null || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, null, null, `not valid JSON (${(error as Error).message}); fix or move the file, then run this again`, { cause: error });
  }
  if (!isRecord(value)) throw new ConfigError(path, null, null, 'expected a JSON object at the top level');
  return value;
}

/** JSON in the file's own indentation (two spaces by default) and final-newline habit. */
function serialize(settings: Settings, original: string | null): string {
  const indent = original ? (/\n([ \t]+)["}\]]/.exec(original)?.[1] ?? '  ') : '  ';
  const newline = original === null || original.endsWith('\n') ? '\n' : '';
  return JSON.stringify(settings, null, indent) + newline;
}

/** Follows a symlinked settings file (dotfile managers) so the link itself survives. */
async function resolvedPath(path: string): Promise<string> {
  return realpath(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return path;
    throw new ZoroError(`cannot read ${path}: ${error.message}`, { cause: error });
  });
}

async function readOptional(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new ZoroError(`cannot read ${path}: ${error.message}`, { cause: error });
  });
}

async function removeOptional(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw new ZoroError(`cannot remove ${path}: ${error.message}`, { cause: error });
  });
}

/** Write beside, then rename: Claude Code never reads a half-written settings file. Keeps the mode. */
async function writeAtomic(path: string, text: string, newMode = 0o644): Promise<void> {
  const mode = await stat(path).then(
    (s) => s.mode & 0o777,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return newMode;
      throw new ZoroError(`cannot read ${path}: ${error.message}`, { cause: error });
    },
  );
  const temporary = `${path}.zoro-${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
