/**
 * What the tracker specs share: a `[provider:*]` section built in code, injected sleep that
 * records the waits instead of waiting, and a way to catch the ProviderError a call throws.
 */
import * as assert from 'uvu/assert';
import { ProviderError } from '../../../lib/errors.js';
import type { ProviderSection } from '../../../adapters/config/types.js';
import type { ProviderDeps } from '../../../adapters/providers/http.js';

export function section(type: string, values: Record<string, string>, apiUrl: string | null, name = type): ProviderSection {
  return {
    name,
    type,
    poll_interval_seconds: 120,
    api_url: apiUrl,
    values: Object.fromEntries(Object.entries(values).map(([key, value], i) => [key, { value, line: 11 + i }])),
    file: '/home/me/.zoro/access.txt',
    line: 10,
  };
}

/** Deps whose sleep returns at once and remembers how long it was asked to wait. */
export function instantDeps(extra: ProviderDeps = {}): ProviderDeps & { waits: number[]; logs: string[] } {
  const waits: number[] = [];
  const logs: string[] = [];
  return {
    sleep: async (ms) => {
      waits.push(ms);
    },
    log: (line) => logs.push(line),
    timeoutMs: 5_000,
    ...extra,
    waits,
    logs,
  };
}

/** Runs `call`, which must fail with a ProviderError, and returns that error. */
export async function providerError(call: () => Promise<unknown>): Promise<ProviderError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  assert.unreachable('expected a ProviderError');
  throw new Error('unreachable');
}
