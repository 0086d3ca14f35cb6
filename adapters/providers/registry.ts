/**
 * One place that turns a `[provider:NAME]` section into its TicketProvider.
 *
 *   const provider = createProvider(section, { log: (line) => events.note(line) });
 *   providerKeys('github')  // ['token', 'username', 'repos']
 *
 * A section with a bad or missing key throws ConfigError (file, line, key) here, when the
 * provider is built, never later in a poll.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../../lib/errors.js';
import type { ProviderSection } from '../config/types.js';
import { ASANA_KEYS, createAsanaProvider } from './asana/provider.js';
import { createGithubProvider, GITHUB_KEYS } from './github/provider.js';
import type { ProviderDeps } from './http.js';
import { createJiraProvider, JIRA_KEYS } from './jira/provider.js';
import { createLinearProvider, LINEAR_KEYS } from './linear/provider.js';
import { createMondayProvider, MONDAY_KEYS } from './monday/provider.js';
import { createPlanProvider } from './plan/index.js';
import type { TicketProvider } from './types.js';

export interface RegistryDeps extends ProviderDeps {
  /** Whether a plan provider offers `watch()` on its file. @default true */
  watch?: boolean;
}

export const PLAN_KEYS = ['path'];

const FACTORIES: Record<string, { keys: string[]; create: (section: ProviderSection, deps: ProviderDeps) => TicketProvider }> = {
  asana: { keys: ASANA_KEYS, create: createAsanaProvider },
  monday: { keys: MONDAY_KEYS, create: createMondayProvider },
  github: { keys: GITHUB_KEYS, create: createGithubProvider },
  linear: { keys: LINEAR_KEYS, create: createLinearProvider },
  jira: { keys: JIRA_KEYS, create: createJiraProvider },
};

/** Every provider type there is. */
export const PROVIDER_TYPE_NAMES = [...Object.keys(FACTORIES), 'plan'];

export function createProvider(section: ProviderSection, deps: RegistryDeps = {}): TicketProvider {
  if (section.type === 'plan') return planProvider(section, deps);
  const factory = FACTORIES[section.type];
  if (!factory) {
    throw new ConfigError(
      section.file,
      section.line,
      'type',
      `[provider:${section.name}] has type "${section.type}"; expected one of ${PROVIDER_TYPE_NAMES.join(', ')}`,
    );
  }
  return factory.create(section, deps);
}

/**
 * The keys a provider type reads from its section, beside the ones every section has
 * (`type`, `api_url`, `poll_interval_seconds`); empty for an unknown type.
 */
export function providerKeys(type: string): string[] {
  if (type === 'plan') return [...PLAN_KEYS];
  return [...(FACTORIES[type]?.keys ?? [])];
}

/** plan.md: its `path` is relative to the file the section is in. */
function planProvider(section: ProviderSection, deps: RegistryDeps): TicketProvider {
  const value = section.values.path?.value.trim();
  if (!value) throw new ConfigError(section.file, section.line, 'path', `[provider:${section.name}] is missing path`);
  const path = isAbsolute(value) ? value : resolve(dirname(section.file), value);
  return createPlanProvider({ name: section.name, path, watch: deps.watch ?? true });
}
