/**
 * Hot reload of access.txt. Loading is cheap (one small file), so the orchestrator simply
 * calls `reloadConfig` every poll cycle; `watchConfig` adds a prompt reload when an editor
 * saves the file. Either way the caller acts on a `ConfigDiff`: start added sessions and
 * pollers, stop removed ones, restart changed ones. A broken edit never replaces a working
 * config: the error is reported and the previous config stays in force.
 *
 *   const stop = watchConfig(file, (update) => {
 *     if ('error' in update) log(update.error.message);
 *     else apply(update.diff);
 *   }, { initial: config });
 */
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, errorMessage } from '../../lib/errors.js';
import type { ProviderSection, SessionConfig, ZoroConfig, ZoroSettings } from './types.js';
import { systemConfigEnv, type ConfigEnv } from './env.js';
import { loadConfig } from './load.js';
import { watchFileChanges } from './files.js';

export interface Changed<T> {
  name: string;
  before: T;
  after: T;
  /** Which keys differ (`repo_path`, `agent`, a provider's `token`…). */
  keys: string[];
}

export interface SectionDiff<T> {
  added: T[];
  removed: T[];
  changed: Changed<T>[];
}

export interface ConfigDiff {
  /** `[zoro]` keys whose value changed. */
  zoro: (keyof ZoroSettings)[];
  sessions: SectionDiff<SessionConfig>;
  providers: SectionDiff<ProviderSection>;
  /** True when nothing that matters changed (moving a section to another line does not). */
  empty: boolean;
}

/** What changed from `before` (null: nothing loaded yet, so everything is added) to `after`. */
export function configDiff(before: ZoroConfig | null, after: ZoroConfig): ConfigDiff {
  const zoro = before
    ? (Object.keys(after.zoro) as (keyof ZoroSettings)[]).filter((key) => !isDeepStrictEqual(before.zoro[key], after.zoro[key]))
    : [];
  const sessions = diffSections(before?.sessions ?? [], after.sessions, sessionFields);
  const providers = diffSections(before?.providers ?? [], after.providers, providerFields);
  const empty = zoro.length === 0 && [sessions, providers].every((d) => d.added.length + d.removed.length + d.changed.length === 0);
  return { zoro, sessions, providers, empty };
}

/** A session's comparable fields: everything but where it was written. */
function sessionFields(session: SessionConfig): Record<string, unknown> {
  const { line: _line, ...fields } = session;
  return fields;
}

/** A provider's comparable fields, its `values` flattened to their text. */
function providerFields(provider: ProviderSection): Record<string, unknown> {
  const { line: _line, file: _file, values, ...fields } = provider;
  const flat: Record<string, unknown> = { ...fields };
  for (const [key, located] of Object.entries(values)) flat[`values.${key}`] = located.value;
  return flat;
}

function diffSections<T extends { name: string }>(before: T[], after: T[], fields: (item: T) => Record<string, unknown>): SectionDiff<T> {
  const old = new Map(before.map((item) => [item.name, item]));
  const next = new Map(after.map((item) => [item.name, item]));
  const changed: Changed<T>[] = [];
  for (const [name, item] of next) {
    const previous = old.get(name);
    if (!previous) continue;
    const a = fields(previous);
    const b = fields(item);
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter((key) => !isDeepStrictEqual(a[key], b[key]))
      .map((key) => key.replace(/^values\./, ''));
    if (keys.length > 0) changed.push({ name, before: previous, after: item, keys });
  }
  return {
    added: after.filter((item) => !old.has(item.name)),
    removed: before.filter((item) => !next.has(item.name)),
    changed,
  };
}

/** Re-read `previous.file`. Throws ConfigError (the caller keeps `previous`). */
export async function reloadConfig(previous: ZoroConfig, env: ConfigEnv = systemConfigEnv()): Promise<{ config: ZoroConfig; diff: ConfigDiff }> {
  const config = await loadConfig(previous.file, env);
  return { config, diff: configDiff(previous, config) };
}

export type ConfigUpdate = { config: ZoroConfig; diff: ConfigDiff } | { error: ConfigError };

export interface WatchConfigOptions {
  /** The config in force now; changes are reported against it. */
  initial?: ZoroConfig;
  env?: ConfigEnv;
  debounceMs?: number;
}

/**
 * Reload `file` when it changes on disk and report what changed (nothing is reported for a
 * save that changes nothing). Returns a function that stops watching.
 */
export function watchConfig(file: string, onChange: (update: ConfigUpdate) => void, options: WatchConfigOptions = {}): () => void {
  const env = options.env ?? systemConfigEnv();
  let current: ZoroConfig | null = options.initial ?? null;
  // Reloads run one at a time, so a slow read never lands after a newer one.
  let queue: Promise<void> = Promise.resolve();
  const reload = async (): Promise<void> => {
    let config: ZoroConfig;
    try {
      config = await loadConfig(file, env);
    } catch (error) {
      const configError = error instanceof ConfigError ? error : new ConfigError(file, null, null, errorMessage(error), { cause: error });
      onChange({ error: configError });
      return;
    }
    const diff = configDiff(current, config);
    current = config;
    if (!diff.empty) onChange({ config, diff });
  };
  return watchFileChanges(file, () => {
    queue = queue.then(reload);
  }, { debounceMs: options.debounceMs });
}
