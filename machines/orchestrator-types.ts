/**
 * The orchestrator's vocabulary: what it is given, what it keeps, what it hears and says.
 */
import type { AnyActorRef } from 'xstate';
import type { TicketRecord } from '../lib/ticket.js';
import type { SessionEvent, SessionReport } from './session.js';
import type { TicketLimits, TicketReport } from './ticket.js';
import type { PollerReport } from './poller.js';
import type { RouteSession, RouteTicket } from './routing.js';
import type { SessionState } from './session-table.js';
import type { IncomingTicket } from './ingest.js';

export interface Clock {
  /** ISO timestamp. */
  now(): string;
}

export interface SessionSpec extends RouteSession {
  repo_path: string;
  description: string;
  agent: string;
  runtime: string;
}

export interface ProviderSpec {
  name: string;
  type: string;
  intervalMs: number;
}

export interface OrchestratorSettings {
  readySignal: string;
  maxReapproach: number;
  busyLimitMs: number;
  limits: TicketLimits;
}

export interface SessionEntry {
  spec: SessionSpec;
  ref: AnyActorRef;
  state: SessionState;
  detail: string | null;
  ticketId: string | null;
  reason: string | null;
  /** Removed from access.txt: stops once it holds no ticket. */
  retiring: boolean;
  /** Order in which sessions became idle, for "whichever becomes IDLE first". */
  idleSince: number;
  /** A command was sent in this state/detail; no new decision until the session moves on. */
  awaiting: string | null;
}

export interface TicketEntry extends RouteTicket {
  ref: AnyActorRef | null;
}

export interface PollerEntry {
  spec: ProviderSpec;
  ref: AnyActorRef;
  state: string;
  last_poll_at: string | null;
  last_error: string | null;
}

export interface OrchestratorContext {
  clock: Clock;
  settings: OrchestratorSettings;
  sessions: Record<string, SessionEntry>;
  tickets: Record<string, TicketEntry>;
  pollers: Record<string, PollerEntry>;
  nextSeq: number;
  /** Monotonic counter for idleSince. */
  tick: number;
  restarts: Record<string, number>;
}

export interface OrchestratorInput {
  clock: Clock;
  settings: OrchestratorSettings;
  /** Tickets from the store: settled ones are kept for dependencies, the rest respawned. */
  tickets: TicketRecord[];
  /**
   * Each configured session's repo at start (name → repo_path): where a restored in-flight
   * ticket's signal_cmd runs, since the record keeps only the session's name.
   */
  repos?: Record<string, string>;
}

export type OrchestratorEvent =
  | { type: 'config.loaded'; sessions: SessionSpec[]; providers: ProviderSpec[]; settings: OrchestratorSettings }
  | SessionReport
  | TicketReport
  | PollerReport
  | { type: 'ctl.pause'; session: string }
  | { type: 'ctl.resume'; session: string }
  | { type: 'ctl.retry'; ticket: string }
  | { type: 'ctl.cancel'; ticket: string }
  | { type: 'ctl.add'; ticket: IncomingTicket }
  | { type: 'ctl.to_session'; session: string; event: Extract<SessionEvent, { type: 'session.turn_ended' | 'session.needs_human' | 'session.answered' | 'session.limited' }> }
  | { type: 'ctl.poll'; provider: string }
  | { type: 'actor.restart'; id: string }
  | { type: `xstate.error.actor.${string}`; error: unknown };

export interface LogEntry {
  type: string;
  message: string;
  session?: string;
  ticket?: string;
  provider?: string;
  data?: Record<string, unknown>;
}


/** What the orchestrator tells the outside: the event log and the store. */
export type OrchestratorEmitted =
  | { type: 'log'; entry: LogEntry }
  | { type: 'persist.ticket'; record: TicketRecord }
  | { type: 'persist.session'; session: { name: string; state: SessionState; ticketId: string | null } };
