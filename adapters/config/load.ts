/**
 * access.txt → ZoroConfig: every default applied, every value typed, once.
 *
 *   const config = await loadConfig(configPath(flags.config));   // throws ConfigErrors
 *   const { config, errors } = resolveConfig(text, file, env);     // never throws
 *
 * Errors are collected, not thrown one at a time: fixing a config should take one run, not
 * one run per mistake. `loadConfig` throws a single `ConfigErrors` (a ConfigError carrying
 * the first error's file, line and key, whose message lists them all, and `errors`).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../lib/errors.js';
import type { ConfigWarning, Located, ProviderSection, SessionConfig, ZoroConfig, ZoroSettings } from './types.js';
import { parseIni, type IniEntry, type IniSection } from './parse.js';
import { systemConfigEnv, type ConfigEnv } from './env.js';
import { resolveConfigPath } from './paths.js';
import * as v from './values.js';
import { isSecretKey, looksLikeSecret, scrubSecrets } from './redact.js';
import {
  AGENT_OPTIONS, PROVIDER_COMMON_KEYS, PROVIDER_KEYS, PROVIDER_TYPES, ROLES, SESSION_KEYS, ZORO_KEYS,
  runtimeSetting, suggestKey, type KeySpec, type ProviderType, type RuntimeName,
} from './keys.js';

/** Several config errors at once; `line`/`key` are the first's, `errors` holds them all. */
export class ConfigErrors extends ConfigError {
  constructor(readonly errors: ConfigError[]) {
    const [first, ...rest] = errors;
    if (!first) throw new RangeError('ConfigErrors needs at least one error');
    super(first.file, first.line, first.key, [first.detail, ...rest.map((error) => error.message)].join('\n'));
  }
}

export interface ResolvedConfig {
  /** Null when there are errors: a half-valid config is never handed on. */
  config: ZoroConfig | null;
  errors: ConfigError[];
  warnings: ConfigWarning[];
}

/** Read and resolve `file`. Throws ConfigErrors (a ConfigError) listing every problem. */
export async function loadConfig(file: string, env: ConfigEnv = systemConfigEnv()): Promise<ZoroConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist; run `zoro init` to create it, or pass --config FILE' : `cannot be read (${code ?? (error as Error).message})`;
    throw new ConfigError(file, null, null, why, { cause: error });
  }
  const { config, errors } = resolveConfig(text, file, env);
  if (!config) throw new ConfigErrors(errors);
  return config;
}

/** Text → config, collecting every error and warning. Never throws. */
export function resolveConfig(text: string, file: string, env: ConfigEnv = systemConfigEnv()): ResolvedConfig {
  const absolute = resolve(env.cwd, file);
  const baseDir = dirname(absolute);
  const { sections, errors } = parseIni(text, file);
  const warnings: ConfigWarning[] = [];
  const warn = (line: number, key: string | null, message: string): void => {
    warnings.push({ file, line, key, message });
  };
  const fail = (line: number, key: string | null, detail: string): void => {
    errors.push(new ConfigError(file, line, key, detail));
  };
  const read = <T>(entry: IniEntry, convert: v.Converter<T>): T | undefined => {
    const result = convert(entry.value, { key: entry.key, baseDir, home: env.home });
    if (result.ok) return result.value;
    fail(entry.line, entry.key, result.problem);
    return undefined;
  };
  /** A default from the catalogue; they are valid by construction. */
  const fallback = <T>(key: string, raw: string, convert: v.Converter<T>): T => {
    const result = convert(raw, { key, baseDir, home: env.home });
    if (!result.ok) throw new Error(`zoro bug: the default for ${key} is invalid: ${result.problem}`);
    return result.value;
  };

  // [zoro]
  const zoroSection = sections.find((section) => section.kind === 'zoro');
  const given = new Map((zoroSection?.entries ?? []).map((entry) => [entry.key, entry]));
  const settings: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(ZORO_KEYS) as [string, KeySpec<unknown>][]) {
    const entry = given.get(key);
    const value = entry === undefined ? undefined : read(entry, spec.convert);
    settings[key] = value ?? fallback(key, spec.default, spec.convert);
  }
  for (const entry of zoroSection?.entries ?? []) {
    if (!Object.hasOwn(ZORO_KEYS, entry.key)) warn(entry.line, entry.key, unknownKey(entry.key, 'zoro', Object.keys(ZORO_KEYS), 'ignored'));
  }
  const detect = (): RuntimeName => detectRuntime(env, settings.iterm2_socket as string);
  if (settings.runtime === 'auto') settings.runtime = detect();
  const zoro = settings as unknown as ZoroSettings; // every key of ZORO_KEYS was filled above

  // [provider:NAME], before sessions so sessions can name them
  const providers: ProviderSection[] = [];
  for (const section of sections.filter((candidate) => candidate.kind === 'provider')) {
    const provider = resolveProvider(section);
    if (provider) providers.push(provider);
  }

  const sessions: SessionConfig[] = [];
  for (const section of sections.filter((candidate) => candidate.kind === 'session')) {
    const session = resolveSession(section);
    if (session) sessions.push(session);
  }

  for (const section of sections.filter((candidate) => candidate.kind === 'unknown')) {
    warn(section.line, null, `unknown section [${section.header}]; expected [zoro], [session:NAME] or [provider:NAME]`);
  }

  function resolveProvider(section: IniSection): ProviderSection | null {
    const entries = new Map(section.entries.map((entry) => [entry.key, entry]));
    const typeEntry = entries.get('type');
    const type = typeEntry?.value || section.name;
    if (!(PROVIDER_TYPES as readonly string[]).includes(type)) {
      fail(typeEntry?.line ?? section.line, 'type', `[provider:${section.name}] needs type = one of ${PROVIDER_TYPES.join(', ')}${typeEntry ? `, got "${type}"` : ' (the section name is not a type)'}`);
      return null;
    }
    const interval = entries.get('poll_interval_seconds');
    const apiUrl = entries.get('api_url');
    const values: Record<string, Located> = {};
    const known = PROVIDER_KEYS[type as ProviderType];
    for (const entry of section.entries) {
      if (Object.hasOwn(PROVIDER_COMMON_KEYS, entry.key)) continue;
      values[entry.key] = { value: entry.value, line: entry.line };
      if (!Object.hasOwn(known, entry.key)) warn(entry.line, entry.key, unknownKey(entry.key, section.header, [...Object.keys(known), ...Object.keys(PROVIDER_COMMON_KEYS)], `kept for the ${type} adapter`));
    }
    if (type === 'plan') checkPlanPath(section, values);
    return {
      name: section.name,
      type,
      poll_interval_seconds: (interval && read(interval, v.positiveNumber)) ?? zoro.poll_interval_seconds,
      api_url: apiUrl ? (read(apiUrl, v.optionalUrl) ?? null) : null,
      values,
      file,
      line: section.line,
    };
  }

  /** `path` is required, resolved to an absolute path in `values`, and must exist. */
  function checkPlanPath(section: IniSection, values: Record<string, Located>): void {
    const located = values.path;
    if (!located || located.value === '') {
      fail(located?.line ?? section.line, 'path', `[provider:${section.name}] is missing path (the plan.md file)`);
      return;
    }
    const absolute = resolveConfigPath(located.value, baseDir, env.home);
    if (absolute === null) fail(located.line, 'path', 'expected a path; `~user/` paths are not supported, write it in full');
    else if (!env.exists(absolute)) fail(located.line, 'path', `plan file ${absolute} does not exist`);
    else values.path = { value: absolute, line: located.line };
  }

  function resolveSession(section: IniSection): SessionConfig | null {
    const entries = new Map(section.entries.map((entry) => [entry.key, entry]));
    const get = <T>(key: string, convert: v.Converter<T>, otherwise: T): T => {
      const entry = entries.get(key);
      return (entry && read(entry, convert)) ?? otherwise;
    };
    const repoEntry = entries.get('repo_path');
    if (!repoEntry || repoEntry.value === '') {
      fail(repoEntry?.line ?? section.line, 'repo_path', `[session:${section.name}] is missing repo_path`);
    }
    const providerNames = get('provider', v.list, []);
    const providerEntry = entries.get('provider');
    for (const name of providerNames) {
      // A provider whose own section has errors is reported there, not again here.
      const exists = sections.some((candidate) => candidate.kind === 'provider' && candidate.name === name);
      if (!exists && providerEntry) fail(providerEntry.line, 'provider', `[session:${section.name}] names provider "${name}", but there is no [provider:${name}]`);
    }
    const options: Record<string, string> = {};
    for (const entry of section.entries) {
      if (Object.hasOwn(SESSION_KEYS, entry.key)) continue;
      options[entry.key] = entry.value;
      if (!Object.hasOwn(AGENT_OPTIONS, entry.key)) {
        warn(entry.line, entry.key, unknownKey(entry.key, section.header, [...Object.keys(SESSION_KEYS), ...Object.keys(AGENT_OPTIONS)], 'kept as an agent option'));
      }
    }
    const runtime = get('runtime', runtimeSetting, zoro.runtime);
    const repoPath = repoEntry ? read(repoEntry, v.path) : undefined;
    if (repoPath === undefined) return null;
    return {
      name: section.name,
      repo_path: repoPath,
      provider: providerNames,
      project_ids: get('project_ids', v.list, []),
      description: get('description', v.anyText, ''),
      agent: get('agent', v.text, 'claude'),
      runtime: runtime === 'auto' ? detect() : runtime,
      role: get('role', v.oneOf(ROLES), 'executor'),
      options,
      line: section.line,
    };
  }

  // Every message passes one more filter: no secret value from this file survives in it,
  // and a "key" that is really a pasted credential (`ghp_…: x`) is not shown at all.
  const secrets = sections.flatMap((section) => section.entries).filter((entry) => isSecretKey(entry.key)).map((entry) => entry.value);
  const hide = (key: string | null, text: string): [string | null, string] =>
    key !== null && looksLikeSecret(key) ? [null, scrubSecrets(text, [...secrets, key])] : [key, scrubSecrets(text, secrets)];
  const safeErrors = errors
    .map((error) => new ConfigError(error.file, error.line, ...hide(error.key, error.detail)))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const safeWarnings = warnings
    .map((warning) => {
      const [key, message] = hide(warning.key, warning.message);
      return { ...warning, key, message };
    })
    .sort((a, b) => a.line - b.line);
  if (safeErrors.length > 0) return { config: null, errors: safeErrors, warnings: safeWarnings };
  return { config: { file: absolute, zoro, sessions, providers, warnings: safeWarnings }, errors: safeErrors, warnings: safeWarnings };
}

/** iTerm2 on macOS when its socket exists, else tmux when on PATH, else pty. */
export function detectRuntime(env: ConfigEnv, iterm2Socket: string): RuntimeName {
  if (env.platform === 'darwin' && env.exists(iterm2Socket)) return 'iterm2';
  if (env.onPath('tmux')) return 'tmux';
  return 'pty';
}

function unknownKey(key: string, section: string, known: string[], fate: string): string {
  const suggestion = suggestKey(key, known);
  return `unknown key ${key} in [${section}], ${fate}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`;
}
