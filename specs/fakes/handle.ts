/**
 * A fake ZoroHandle for the cockpit's specs and benchmark: a tiny orchestrator over REAL
 * XState actors (handle-machines.ts) that the spec drives by hand (`dispatch`, `finish`,
 * `needsHuman`, `emitScreen`…). It records every call the cockpit makes, and carries a
 * recognisable secret in its config and in actor context so specs can prove none leaks.
 */
import { createActor, type AnyActorRef, type AnyStateMachine, type EventObject } from 'xstate';
import type { ActorView, ApiState, NewTicketRequest, PushMessage, SessionView, TicketView, ZoroHandle } from '../../actors/handle.js';
import { InvalidTransitionError } from '../../lib/errors.js';
import type { ZoroEvent } from '../../lib/events.js';
import { fakePollerMachine, fakeSessionMachine, fakeTicketMachine, type FakeSessionContext, type FakeTicketContext, type FakePollerContext, type FakeSessionEvent, type FakeTicketEvent, type FakePollerEvent } from './handle-machines.js';

type FakeEvent = FakeSessionEvent | FakeTicketEvent | FakePollerEvent;

export const FAKE_SECRET = 'sk-ant-FAKE-SECRET-7f3a9c1e-do-not-leak';

export interface FakeHandleOptions {
  sessions?: string[];
  providers?: string[];
  /** Optional capabilities to offer (all on by default). */
  capabilities?: { answer?: boolean; team?: boolean; chat?: boolean };
}

interface Entry {
  ref: AnyActorRef;
  machine: AnyStateMachine;
  recent: { type: string; at: string }[];
}

export class FakeHandle implements ZoroHandle {
  /** Every mutating call the cockpit made, in order. */
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly config = { anthropic_api_key: FAKE_SECRET, github_token: `ghp_${FAKE_SECRET}` };
  readonly startedAt: string;
  private readonly actorsById = new Map<string, Entry>();
  private readonly listeners = new Set<(message: PushMessage) => void>();
  private readonly screens = new Map<string, { lines: string[]; listeners: Set<(chunk: string) => void> }>();
  private readonly events: ZoroEvent[] = [];
  private nextTicket = 1;
  /** Added to the wall clock; scenarios move it to lay history out over time. */
  clockOffsetMs = 0;

  answer?: ZoroHandle['answer'];
  teamStart?: ZoroHandle['teamStart'];
  teamAddExecutor?: ZoroHandle['teamAddExecutor'];
  teamStop?: ZoroHandle['teamStop'];
  chat?: ZoroHandle['chat'];

  constructor(options: FakeHandleOptions = {}) {
    this.startedAt = this.now();
    const caps = { answer: true, team: true, chat: true, ...options.capabilities };
    for (const provider of options.providers ?? ['plan']) this.spawn(`poller:${provider}`, fakePollerMachine, undefined);
    for (const name of options.sessions ?? ['api', 'web', 'docs']) {
      this.spawn(`session:${name}`, fakeSessionMachine, { name, env: { ANTHROPIC_API_KEY: FAKE_SECRET } });
      this.screens.set(name, { lines: [`${name} $ zoro sim`, 'sim: ready'], listeners: new Set() });
      this.send(`session:${name}`, { type: 'CONNECTED' });
    }
    if (caps.answer) {
      this.answer = async (session, text) => {
        this.record('answer', session, text);
        this.send(`session:${session}`, { type: 'ANSWERED' });
      };
    }
    if (caps.team) {
      this.teamStart = async (n) => void this.record('teamStart', n);
      this.teamAddExecutor = async () => void this.record('teamAddExecutor');
      this.teamStop = async () => void this.record('teamStop');
    }
    if (caps.chat) this.chat = async (message) => (this.record('chat', message), `You said: ${message}`);
  }

  now(): string {
    return new Date(Date.now() + this.clockOffsetMs).toISOString();
  }

  // ---- ZoroHandle ----
  state(): ApiState {
    const sessions: SessionView[] = [];
    const tickets: TicketView[] = [];
    const providers: ApiState['providers'] = [];
    for (const [id, entry] of this.actorsById) {
      const snap = entry.ref.getSnapshot();
      if (id.startsWith('session:')) {
        const ctx = snap.context as FakeSessionContext;
        const [state, detail] = topAndDetail(snap.value);
        sessions.push({ name: ctx.name, state, detail, runtime: 'tmux', agent: 'sim', repo_path: `/home/dev/src/${ctx.name}`, ticket: ctx.ticket, queue: [] });
      } else if (id.startsWith('ticket:')) {
        const ctx = snap.context as FakeTicketContext;
        tickets.push({ ...ctx, status: String(snap.value) });
      } else if (id.startsWith('poller:')) {
        const ctx = snap.context as FakePollerContext;
        providers.push({ name: id.slice('poller:'.length), type: 'plan', state: String(snap.value), ...ctx });
      }
    }
    for (const ticket of tickets) {
      if (ticket.status === 'queued' && ticket.session) sessions.find((s) => s.name === ticket.session)?.queue.push(ticket.id);
    }
    return { version: '0.1.0-fake', started_at: this.startedAt, sessions, tickets, providers, events: this.events.slice(-50) };
  }

  actors(): ActorView[] {
    return [...this.actorsById.keys()].map((id) => this.view(id));
  }

  machineOf(actorId: string): unknown | null {
    return this.actorsById.get(actorId)?.machine ?? null;
  }

  subscribe(listener: (message: PushMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  screen(session: string): string[] | null {
    return this.screens.get(session)?.lines.slice() ?? null;
  }

  onScreen(session: string, listener: (chunk: string) => void): (() => void) | null {
    const screen = this.screens.get(session);
    if (!screen) return null;
    screen.listeners.add(listener);
    return () => screen.listeners.delete(listener);
  }

  pause(session: string): void {
    this.record('pause', session);
    this.send(`session:${session}`, { type: 'PAUSE' });
    this.log('session.paused', `${session} paused from the cockpit`, { session });
  }

  resume(session: string): void {
    this.record('resume', session);
    this.send(`session:${session}`, { type: 'RESUME' });
    this.log('session.resumed', `${session} resumed`, { session });
  }

  async addTicket(request: NewTicketRequest): Promise<string> {
    this.record('addTicket', request);
    return this.createTicket(request.title, request.session ?? null, request.depends_on ?? []);
  }

  retry(ticketId: string): void {
    this.record('retry', ticketId);
    this.send(`ticket:${ticketId}`, { type: 'RETRY' });
    this.log('ticket.retry', `ticket ${ticketId} queued again by hand`, { ticket: ticketId });
  }

  cancel(ticketId: string): void {
    this.record('cancel', ticketId);
    this.send(`ticket:${ticketId}`, { type: 'CANCEL', at: this.now() });
    this.log('ticket.cancelled', `ticket ${ticketId} cancelled`, { ticket: ticketId });
  }

  // ---- drivers for specs ----
  createTicket(title: string, session: string | null = null, dependsOn: string[] = [], provider = 'plan'): string {
    const id = String(this.nextTicket++);
    this.spawn(`ticket:${id}`, fakeTicketMachine, { id, title, session, provider, depends_on: dependsOn });
    this.log('ticket.queued', `ticket ${id} queued: ${title}`, { ticket: id });
    return id;
  }

  /** Gives a queued ticket to a session (its own, or the first IDLE one) and types the prompt. */
  dispatch(ticketId: string, sessionName?: string): string {
    const ticket = this.ticketContext(ticketId);
    const session = sessionName ?? ticket.session ?? this.state().sessions.find((s) => s.state === 'IDLE')?.name;
    if (!session) throw new Error(`no IDLE session for ticket ${ticketId}`);
    this.send(`ticket:${ticketId}`, { type: 'DISPATCH', session, at: this.now() });
    this.send(`session:${session}`, { type: 'DISPATCH', ticket: { id: ticketId, title: ticket.title } });
    this.log('ticket.dispatched', `ticket ${ticketId} dispatched to ${session}`, { ticket: ticketId, session });
    this.emitScreen(session, `\r\n\x1b[36m> ${ticket.title}\x1b[0m\r\nworking on ticket ${ticketId}…\r\n`);
    return session;
  }

  /** The agent printed the ready signal; verification passes (or fails with `error`). */
  finish(ticketId: string, error?: string): void {
    const ticket = this.ticketContext(ticketId);
    const session = ticket.session!;
    this.emitScreen(session, 'READY FOR NEW TASKS\r\n');
    this.send(`session:${session}`, { type: 'READY' });
    this.send(`ticket:${ticketId}`, { type: 'TURN_ENDED' });
    this.log('ticket.verifying', `ticket ${ticketId}: running signal_cmd`, { ticket: ticketId, session });
    if (error) {
      this.send(`ticket:${ticketId}`, { type: 'FAIL', error, at: this.now() });
      this.log('ticket.failed_attempt', `ticket ${ticketId} attempt failed: ${error}`, { ticket: ticketId, session });
    } else {
      this.send(`ticket:${ticketId}`, { type: 'PASS', at: this.now() });
      this.log('ticket.done', `ticket ${ticketId} done`, { ticket: ticketId, session });
    }
    this.send(`session:${session}`, { type: 'SETTLED' });
  }

  /** Sends any event to any actor (the inspector spec uses it). */
  poke(actorId: string, event: FakeEvent | EventObject): void {
    this.send(actorId, event);
  }

  needsHuman(session: string): void {
    this.send(`session:${session}`, { type: 'ASK' });
    this.emitScreen(session, 'Allow edit to src/app.ts?\r\n 1. Yes\r\n 2. No\r\n');
    this.log('session.needs_human', `${session} is waiting for an answer`, { session });
  }

  emitScreen(session: string, chunk: string): void {
    const screen = this.screens.get(session);
    if (!screen) throw new Error(`no session ${session}`);
    const lines = chunk.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split(/\r?\n/).filter((l) => l !== '');
    screen.lines.push(...lines);
    if (screen.lines.length > 500) screen.lines.splice(0, screen.lines.length - 500);
    for (const listener of screen.listeners) listener(chunk);
  }

  log(type: string, message: string, extra: Partial<ZoroEvent> = {}): void {
    const event: ZoroEvent = { seq: this.events.length + 1, at: this.now(), type, message, ...extra };
    this.events.push(event);
    for (const listener of this.listeners) listener({ type: 'event', event });
  }

  /** Stops every actor (their timers with them). */
  dispose(): void {
    for (const { ref } of this.actorsById.values()) ref.stop();
    this.listeners.clear();
  }

  // ---- internals ----
  private spawn(id: string, machine: AnyStateMachine, input: unknown): void {
    const ref = createActor(machine, { id, input });
    const entry: Entry = { ref, machine, recent: [] };
    this.actorsById.set(id, entry);
    let last = '';
    ref.subscribe((snap) => {
      const value = JSON.stringify(snap.value);
      if (value === last) return;
      last = value;
      const state = this.state();
      for (const listener of this.listeners) listener({ type: 'snapshot', actor: this.view(id), state });
    });
    ref.start();
  }

  private send(actorId: string, event: FakeEvent | EventObject): void {
    const entry = this.actorsById.get(actorId);
    if (!entry) throw new Error(`no actor ${actorId}`);
    const snap = entry.ref.getSnapshot();
    // XState ignores an event the state does not take; zoro's wrapper throws, and so do we.
    if (snap.status !== 'active' || !snap.can(event)) throw new InvalidTransitionError(entry.machine.id, JSON.stringify(snap.value), event.type);
    entry.recent.push({ type: event.type, at: this.now() });
    if (entry.recent.length > 20) entry.recent.shift();
    entry.ref.send(event);
  }

  private view(id: string): ActorView {
    const entry = this.actorsById.get(id)!;
    return { id, machine: entry.machine.id, value: entry.ref.getSnapshot().value, recent: entry.recent.slice() };
  }

  private ticketContext(ticketId: string): FakeTicketContext {
    const entry = this.actorsById.get(`ticket:${ticketId}`);
    if (!entry) throw new Error(`no ticket ${ticketId}`);
    return entry.ref.getSnapshot().context as FakeTicketContext;
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }
}

function topAndDetail(value: unknown): [string, string | null] {
  if (typeof value === 'string') return [value, null];
  const [top, sub] = Object.entries(value as Record<string, unknown>)[0]!;
  return [top, typeof sub === 'string' ? sub : null];
}
