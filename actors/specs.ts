/** access.txt's resolved config → what the machines are given. */
import type { ZoroConfig } from '../adapters/config/types.js';
import type { OrchestratorSettings, ProviderSpec, SessionSpec } from '../machines/orchestrator.js';

export function settingsFrom(config: ZoroConfig): OrchestratorSettings {
  const z = config.zoro;
  return {
    readySignal: z.ready_signal,
    maxReapproach: z.max_reapproach,
    busyLimitMs: z.busy_no_comment_minutes * 60_000,
    limits: { maxSignalAttempts: z.max_signal_attempts, maxReviewAttempts: z.max_review_attempts, strictReview: z.strict_review },
  };
}

export function sessionSpecs(config: ZoroConfig): SessionSpec[] {
  return config.sessions.map((s) => ({
    name: s.name,
    project_ids: s.project_ids,
    providers: s.provider,
    role: s.role,
    repo_path: s.repo_path,
    description: s.description,
    agent: s.agent,
    runtime: s.runtime,
  }));
}

/** With `once`, each provider polls once: its next poll is out of reach of the run. */
export function providerSpecs(config: ZoroConfig, once = false): ProviderSpec[] {
  return config.providers.map((p) => ({
    name: p.name,
    type: p.type,
    intervalMs: once ? 2 ** 31 - 1 : p.poll_interval_seconds * 1000,
  }));
}
