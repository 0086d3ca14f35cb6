/**
 * Small pieces of the orchestrator's actions: spawning tickets, log entries, the
 * re-approach prompt. Pure, like the machine that uses them.
 */
import type { AnyActorRef } from 'xstate';
import { buildPrompt } from '../lib/prompt.js';
import type { TicketRecord } from '../lib/ticket.js';
import type { LogEntry, OrchestratorContext, OrchestratorEmitted, SessionSpec } from './orchestrator-types.js';

export function logged(entry: LogEntry): OrchestratorEmitted {
  return { type: 'log', entry };
}

export function log(enqueue: { emit: (event: OrchestratorEmitted) => void }, entry: LogEntry): void {
  enqueue.emit(logged(entry));
}

type Spawner = (src: 'ticket', options: { id: string; input: unknown }) => AnyActorRef;
type Assigner = (args: { context: OrchestratorContext; spawn: Spawner }) => Partial<OrchestratorContext>;

export function spawnTickets(records: TicketRecord[], complete: ReadonlySet<string> = new Set()): Assigner {
  return ({ context, spawn }) => {
    const tickets = { ...context.tickets };
    let nextSeq = context.nextSeq;
    for (const record of records) {
      nextSeq = Math.max(nextSeq, record.seq + 1);
      tickets[record.id] = {
        record,
        dispatchable: false,
        ref: spawn('ticket', { id: `ticket:${record.id}`, input: { record, limits: context.settings.limits, detailsLoaded: complete.has(record.id) } }),
      };
    }
    return { tickets, nextSeq };
  };
}

/** A settled ticket from an earlier run, retried by a human: a fresh actor. */
export function respawnTicket(id: string): Assigner {
  return ({ context, spawn }) => {
    const entry = context.tickets[id];
    if (!entry) return {};
    const record: TicketRecord = { ...entry.record, status: 'queued', signal_attempts: 0, review_attempts: 0, reapproaches: 0, finished_at: null, last_error: null };
    const ref = spawn('ticket', { id: `ticket:${record.id}`, input: { record, limits: context.settings.limits, detailsLoaded: true } });
    return { tickets: { ...context.tickets, [id]: { record, dispatchable: false, ref } } };
  };
}

type Enqueue = {
  sendTo: (ref: AnyActorRef, event: { type: string; [key: string]: unknown }) => void;
};

export function toSession(context: OrchestratorContext, name: string, event: { type: string; [key: string]: unknown }, enqueue: Enqueue): void {
  const entry = context.sessions[name];
  if (entry) enqueue.sendTo(entry.ref, event);
}

/** The in-flight ticket a (re)spawned session should re-check on its screen. */
export function resumeFor(context: OrchestratorContext, session: string): { ticketId: string; attempt: number } | null {
  for (const t of Object.values(context.tickets)) {
    if (t.record.status === 'dispatched' && t.record.session === session) return { ticketId: t.record.id, attempt: t.record.attempts };
  }
  return null;
}

export function reapproachPrompt(context: OrchestratorContext, record: TicketRecord, spec: SessionSpec, reason: string): string {
  return buildPrompt({
    ticket: record,
    session: { name: spec.name, description: spec.description },
    attempt: record.attempts,
    feedback: `You seem to be stuck: ${reason}. Stop what you were doing, step back, and take a different approach.`,
    readySignal: context.settings.readySignal,
  }).replace(/^Ticket: (.*)$/m, 'Ticket: $1 — re-approach');
}

export function describeTicket(record: TicketRecord): string {
  switch (record.status) {
    case 'done':
      return `${record.id} done: ${record.title}`;
    case 'queued':
      return record.attempts > 0 ? `${record.id} re-queued${record.last_error ? ` (${record.last_error})` : ''}` : `${record.id} queued: ${record.title}`;
    case 'escalated':
    case 'failed':
    case 'blocked':
      return `${record.id} ${record.status}: ${record.last_error ?? record.title}`;
    default:
      return `${record.id} ${record.status}${record.session ? ` on ${record.session}` : ''}`;
  }
}
