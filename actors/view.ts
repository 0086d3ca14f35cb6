/**
 * Read models: the orchestrator's context turned into what `/api/state`, `zoro status` and
 * the run summary show. Pure functions of a snapshot.
 */
import type { ApiState, ProviderView, SessionView, TicketView } from './handle.js';
import type { OrchestratorContext } from '../machines/orchestrator.js';
import { queueOf } from '../machines/routing.js';
import type { ZoroEvent } from '../lib/events.js';
import type { TicketRecord } from '../lib/ticket.js';

export function sessionViews(context: OrchestratorContext): SessionView[] {
  const sessions = Object.values(context.sessions);
  const specs = sessions.map((s) => s.spec);
  const tickets = new Map(Object.entries(context.tickets));
  return sessions.map((s) => {
    const ticket = s.ticketId ? context.tickets[s.ticketId]?.record : undefined;
    return {
      name: s.spec.name,
      state: s.state,
      detail: s.state === 'BUSY' ? s.detail : s.reason,
      runtime: s.spec.runtime,
      agent: s.spec.agent,
      repo_path: s.spec.repo_path,
      ticket: ticket ? { id: ticket.id, title: ticket.title } : null,
      queue: queueOf(s.spec, specs, tickets).map((t) => t.id),
    };
  });
}

export function ticketView(record: TicketRecord): TicketView {
  return {
    id: record.id,
    title: record.title,
    status: record.status,
    session: record.session,
    attempts: record.attempts,
    provider: record.provider,
    depends_on: record.depends_on,
    dispatched_at: record.dispatched_at,
    finished_at: record.finished_at,
    last_error: record.last_error,
  };
}

export function providerViews(context: OrchestratorContext): ProviderView[] {
  return Object.values(context.pollers).map((p) => ({
    name: p.spec.name,
    type: p.spec.type,
    state: p.state,
    last_poll_at: p.last_poll_at,
    last_error: p.last_error,
  }));
}

export function apiState(context: OrchestratorContext, meta: { version: string; started_at: string }, events: ZoroEvent[]): ApiState {
  return {
    version: meta.version,
    started_at: meta.started_at,
    sessions: sessionViews(context),
    tickets: Object.values(context.tickets)
      .map((t) => t.record)
      .sort((a, b) => a.seq - b.seq)
      .map(ticketView),
    providers: providerViews(context),
    events,
  };
}

/** The `--json` run summary (DESIGN.md's shape for `zoro demo --exit-when-done --json`). */
export interface RunSummary {
  tickets: { id: string; title: string; status: string; session: string | null; attempts: number; dispatched_at: string | null; finished_at: string | null }[];
  sessions: { name: string; state: string }[];
  duration_ms: number;
}

export function runSummary(context: OrchestratorContext, durationMs: number): RunSummary {
  return {
    tickets: Object.values(context.tickets)
      .map((t) => t.record)
      .sort((a, b) => a.seq - b.seq)
      .map((r) => ({
        id: r.id,
        title: r.title,
        status: r.status,
        session: r.session,
        attempts: r.attempts,
        dispatched_at: r.dispatched_at,
        finished_at: r.finished_at,
      })),
    sessions: Object.values(context.sessions).map((s) => ({ name: s.spec.name, state: s.state })),
    duration_ms: durationMs,
  };
}
