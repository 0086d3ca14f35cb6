/**
 * Which session may take which ticket, and what to dispatch next. Pure functions over the
 * orchestrator's view of the world, so the invariants (FIFO per session, one session per
 * ticket, dependencies) are tested without any actor running.
 */
import { BLOCKING, type TicketRecord } from '../lib/ticket.js';

export interface RouteSession {
  name: string;
  project_ids: string[];
  /** Provider names it takes tickets from; empty = all. */
  providers: string[];
  role: string;
}

export interface RouteTicket {
  record: TicketRecord;
  /** The ticket actor is in `queued.ready` (details fetched). */
  dispatchable: boolean;
}

/** Sessions that may work on this ticket, in config order. */
export function candidates(ticket: TicketRecord, sessions: RouteSession[]): RouteSession[] {
  const executors = sessions.filter((s) => s.role === 'executor');
  if (ticket.sessions.length > 0) return executors.filter((s) => ticket.sessions.includes(s.name));
  const projects = ticket.project_ids?.length ? ticket.project_ids : ticket.project_id !== null ? [ticket.project_id] : [];
  if (projects.length > 0) {
    const byProject = executors.filter((s) => s.project_ids.some((p) => projects.includes(p)));
    if (byProject.length > 0) return byProject;
  }
  // No session claims the project: sessions that take this provider's tickets and are not
  // bound to particular projects.
  return executors.filter(
    (s) => (s.providers.length === 0 || s.providers.includes(ticket.provider)) && (ticket.project_id === null || s.project_ids.length === 0),
  );
}

export function dependenciesDone(ticket: TicketRecord, tickets: ReadonlyMap<string, RouteTicket>): boolean {
  return ticket.depends_on.every((id) => tickets.get(id)?.record.status === 'done');
}

/** The parent that makes this ticket blocked, if any. */
export function blockingParent(ticket: TicketRecord, tickets: ReadonlyMap<string, RouteTicket>): TicketRecord | null {
  for (const id of ticket.depends_on) {
    const parent = tickets.get(id)?.record;
    if (parent && BLOCKING.has(parent.status)) return parent;
  }
  return null;
}

/** Queued tickets this session could take, oldest first (its FIFO). */
export function queueOf(session: RouteSession, sessions: RouteSession[], tickets: ReadonlyMap<string, RouteTicket>): TicketRecord[] {
  const queue: TicketRecord[] = [];
  for (const { record } of tickets.values()) {
    if (record.status !== 'queued') continue;
    if (candidates(record, sessions).some((s) => s.name === session.name)) queue.push(record);
  }
  return queue.sort((a, b) => a.seq - b.seq);
}

/**
 * What to dispatch now: for each idle session in the order given (longest idle first), the
 * oldest queued ticket it may take whose parents are done. A ticket goes to one session only;
 * a ticket that several sessions can take goes to whichever is idle first.
 */
export function nextDispatches(
  idle: RouteSession[],
  sessions: RouteSession[],
  tickets: ReadonlyMap<string, RouteTicket>,
): { session: string; ticket: string }[] {
  const ready = [...tickets.values()]
    .filter((t) => t.record.status === 'queued' && t.dispatchable && dependenciesDone(t.record, tickets))
    .sort((a, b) => a.record.seq - b.record.seq);
  const taken = new Set<string>();
  const plan: { session: string; ticket: string }[] = [];
  for (const session of idle) {
    const pick = ready.find((t) => !taken.has(t.record.id) && candidates(t.record, sessions).some((s) => s.name === session.name));
    if (!pick) continue;
    taken.add(pick.record.id);
    plan.push({ session: session.name, ticket: pick.record.id });
  }
  return plan;
}
