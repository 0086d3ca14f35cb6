/**
 * The real orchestrator with the real session and ticket machines, wired as the
 * composition root wires them (children report with `sendParent`), over fakes: a terminal
 * per session that the spec drives, promise fakes for details / verify / review /
 * write-back that the spec settles, an idle poller, and a SimulatedClock for timers.
 */
import { createActor, fromCallback, sendParent, SimulatedClock, type AnyActorLogic, type AnyActorRef, type InspectionEvent } from 'xstate';
import type { TicketRecord } from '../../lib/ticket.js';
import type { IncomingTicket } from '../../machines/ingest.js';
import {
  orchestratorMachine,
  type LogEntry,
  type OrchestratorSettings,
  type ProviderSpec,
  type SessionSpec,
} from '../../machines/orchestrator.js';
import { sessionMachine, type SessionEvent, type TerminalCommand } from '../../machines/session.js';
import type { SessionState } from '../../machines/session-table.js';
import { ticketMachine, type DetailsResult, type ReviewResult, type VerifyResult } from '../../machines/ticket.js';
import { controlledPromise, type TerminalInput } from './helpers.js';

export const READY = 'READY FOR NEW TASKS';

export function sessionSpec(name: string, overrides: Partial<SessionSpec> = {}): SessionSpec {
  return {
    name,
    project_ids: [],
    providers: [],
    role: 'executor',
    repo_path: `/repos/${name}`,
    description: `the ${name} session`,
    agent: 'sim',
    runtime: 'pty',
    ...overrides,
  };
}

export function incoming(id: string, overrides: Partial<IncomingTicket> = {}): IncomingTicket {
  return {
    id,
    provider: 'plan',
    external_id: id,
    title: `Ticket ${id}`,
    description: `Do ${id}`,
    context: '',
    project_id: null,
    signal_cmd: null,
    depends_on: [],
    url: null,
    updated_at: null,
    complete: true,
    ...overrides,
  };
}

export function settings(overrides: Partial<OrchestratorSettings> = {}): OrchestratorSettings {
  return {
    readySignal: READY,
    maxReapproach: 2,
    busyLimitMs: 30 * 60_000,
    limits: { maxSignalAttempts: 5, maxReviewAttempts: 3, strictReview: false },
    ...overrides,
  };
}

export interface HarnessOptions {
  settings?: Partial<OrchestratorSettings>;
  tickets?: TicketRecord[];
  /** The terminal says `session.ready` as soon as it starts or is attached (default true). */
  readyOnAttach?: boolean;
  /** Replace the poller (default: one that never polls by itself). */
  poller?: AnyActorLogic;
  /** Replace the session logic (default: the real session machine on a fake terminal). */
  session?: AnyActorLogic;
  /** Called for every terminal command, with the session's name. */
  onTerminalCommand?: (session: string, command: TerminalCommand) => void;
  /** XState's inspection stream of the whole actor system. */
  inspect?: (event: InspectionEvent) => void;
}

export function createHarness(options: HarnessOptions = {}) {
  const clock = new SimulatedClock();
  const logs: LogEntry[] = [];
  const persisted: TicketRecord[] = [];
  const terminalCommands = new Map<string, TerminalCommand[]>();
  const details = controlledPromise<{ record: TicketRecord }, DetailsResult>();
  const verify = controlledPromise<{ command: string; cwd: string | null }, VerifyResult>();
  const review = controlledPromise<{ record: TicketRecord; cwd: string | null }, ReviewResult>();
  const writeBack = controlledPromise<{ record: TicketRecord }, { at: string }>();
  const ready = options.readyOnAttach ?? true;

  const terminal = fromCallback<TerminalCommand, TerminalInput>(({ input, receive, sendBack }) => {
    const commands = terminalCommands.get(input.name) ?? [];
    terminalCommands.set(input.name, commands);
    receive((command) => {
      commands.push(command);
      options.onTerminalCommand?.(input.name, command);
      if (command.type === 'terminal.deliver') sendBack({ type: 'terminal.delivered' });
      if (command.type === 'terminal.attach' && ready) sendBack({ type: 'session.ready' });
    });
    if (ready) sendBack({ type: 'session.ready' });
  });

  // Children report to the orchestrator, as actors/zoro.ts wires them.
  const report = sendParent((_: unknown, params: { type: string }) => params) as never;
  const machine = orchestratorMachine.provide({
    actors: {
      session: options.session ?? sessionMachine.provide({ actors: { terminal }, actions: { report } }),
      ticket: ticketMachine.provide({
        actors: { details: details.logic, verify: verify.logic, review: review.logic, writeBack: writeBack.logic },
        actions: { report, escalate: () => undefined },
      }),
      poller: options.poller ?? fromCallback(() => undefined),
    },
  });
  const actor = createActor(machine, {
    clock,
    inspect: options.inspect,
    input: {
      clock: { now: () => new Date(Date.UTC(2024, 0, 1) + clock.now()).toISOString() },
      settings: settings(options.settings),
      tickets: options.tickets ?? [],
    },
  });
  actor.on('log', (event) => void logs.push(event.entry));
  actor.on('persist.ticket', (event) => void persisted.push(event.record));

  const context = () => actor.getSnapshot().context;
  const sessionRef = (name: string): AnyActorRef => {
    const ref = context().sessions[name]?.ref;
    if (!ref) throw new Error(`no session ${name}`);
    return ref;
  };

  return {
    actor,
    clock,
    logs,
    persisted,
    terminalCommands,
    details,
    verify,
    review,
    writeBack,
    start(sessions: SessionSpec[], providers: ProviderSpec[] = [{ name: 'plan', type: 'plan', intervalMs: 120_000 }]) {
      actor.start();
      actor.send({ type: 'config.loaded', sessions, providers, settings: settings(options.settings) });
    },
    poll(tickets: IncomingTicket[], provider = 'plan') {
      actor.send({ type: 'provider.polled', provider, tickets, at: new Date(Date.UTC(2024, 0, 1) + clock.now()).toISOString() });
    },
    /** Something the session's own terminal would raise (the ready signal, an error loop…). */
    toSession(name: string, event: SessionEvent) {
      sessionRef(name).send(event);
    },
    sessionRef,
    /** The session's real top-level state (from its own actor, not the orchestrator's mirror). */
    sessionState(name: string): SessionState {
      const value = sessionRef(name).getSnapshot().value as SessionState | Record<string, string>;
      return typeof value === 'string' ? value : (Object.keys(value)[0] as SessionState);
    },
    sessionValue(name: string): unknown {
      return sessionRef(name).getSnapshot().value;
    },
    /** The ticket as its own actor has it (or the stored record of a settled one). */
    ticket(id: string): TicketRecord {
      const entry = context().tickets[id];
      if (!entry) throw new Error(`no ticket ${id}`);
      return entry.ref ? (entry.ref.getSnapshot().context.record as TicketRecord) : entry.record;
    },
    deliveries(name: string) {
      return (terminalCommands.get(name) ?? []).flatMap((c) => (c.type === 'terminal.deliver' ? [c] : []));
    },
    context,
  };
}

export type Harness = ReturnType<typeof createHarness>;
