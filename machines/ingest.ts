/**
 * Tickets arriving from a poll (or `zoro add`), turned into records. Pure.
 */
import type { TicketRecord } from '../lib/ticket.js';

/** A ticket as the orchestrator receives it: ids already made zoro-wide by the poll actor. */
export type IncomingTicket = Pick<
  TicketRecord,
  'id' | 'provider' | 'external_id' | 'title' | 'description' | 'context' | 'project_id' | 'project_ids' | 'signal_cmd' | 'depends_on' | 'url' | 'updated_at'
> & {
  sessions?: string[];
  /** The poll already gave everything (plan.md): no details call needed. */
  complete?: boolean;
};

export function newRecord(ticket: IncomingTicket, seq: number, at: string): TicketRecord {
  return {
    id: ticket.id,
    provider: ticket.provider,
    external_id: ticket.external_id,
    title: ticket.title,
    description: ticket.description,
    context: ticket.context,
    comments: [],
    url: ticket.url,
    project_id: ticket.project_id,
    ...(ticket.project_ids ? { project_ids: ticket.project_ids } : {}),
    signal_cmd: ticket.signal_cmd,
    depends_on: ticket.depends_on,
    sessions: ticket.sessions ?? [],
    status: 'queued',
    session: null,
    attempts: 0,
    signal_attempts: 0,
    review_attempts: 0,
    reapproaches: 0,
    feedback: null,
    summary: null,
    signal_history: [],
    review_history: [],
    seq,
    created_at: at,
    dispatched_at: null,
    finished_at: null,
    last_error: null,
    updated_at: ticket.updated_at,
  };
}

/** True when a poll shows the ticket changed in a way the agent should see. */
export function changedSince(record: TicketRecord, ticket: IncomingTicket): boolean {
  return (
    record.title !== ticket.title ||
    (ticket.description !== '' && record.description !== ticket.description) ||
    record.context !== ticket.context ||
    record.signal_cmd !== ticket.signal_cmd ||
    record.project_id !== ticket.project_id ||
    record.depends_on.join(',') !== ticket.depends_on.join(',') ||
    record.updated_at !== ticket.updated_at
  );
}
