/**
 * What the cockpit (and `zoro status`) may see and do: snapshots to read and events to send.
 * The cockpit never touches an adapter; it talks to the running system only through this.
 */
import type { ZoroEvent } from '../lib/events.js';

export interface SessionView {
  name: string;
  state: string;
  /** BUSY's sub-state (`working`, `needs_human`, `settling`) or PAUSED's reason. */
  detail: string | null;
  runtime: string;
  agent: string;
  repo_path: string;
  ticket: { id: string; title: string } | null;
  queue: string[];
}

export interface TicketView {
  id: string;
  title: string;
  status: string;
  session: string | null;
  attempts: number;
  provider: string;
  depends_on: string[];
  dispatched_at: string | null;
  finished_at: string | null;
  last_error: string | null;
}

export interface ProviderView {
  name: string;
  type: string;
  state: string;
  last_poll_at: string | null;
  last_error: string | null;
}

/** GET /api/state, exactly DESIGN.md's shape (extra fields allowed, none removed). */
export interface ApiState {
  version: string;
  started_at: string;
  sessions: SessionView[];
  tickets: TicketView[];
  providers: ProviderView[];
  events: ZoroEvent[];
}

/** One actor as the statechart inspector sees it. */
export interface ActorView {
  id: string;
  /** The machine's id (`session`, `ticket`, `poller`, `orchestrator`). */
  machine: string;
  /** Current state value as XState reports it. */
  value: unknown;
  /** Most recent events this actor received, newest last. */
  recent: { type: string; at: string }[];
}

export type PushMessage =
  | { type: 'snapshot'; actor: ActorView; state: ApiState }
  | { type: 'event'; event: ZoroEvent };

export interface NewTicketRequest {
  title: string;
  description?: string;
  session?: string;
  signal_cmd?: string | null;
  depends_on?: string[];
}

export interface ZoroHandle {
  state(): ApiState;
  actors(): ActorView[];
  /** The machine definition behind an actor, for drawing (xstate `AnyStateMachine`). */
  machineOf(actorId: string): unknown | null;
  /** Every snapshot change and logged event. Returns unsubscribe. */
  subscribe(listener: (message: PushMessage) => void): () => void;
  /** The session's rolling buffer (plain text lines), null for an unknown session. */
  screen(session: string): string[] | null;
  /** Raw terminal output for a session as it arrives (for xterm). Returns unsubscribe. */
  onScreen(session: string, listener: (chunk: string) => void): (() => void) | null;
  pause(session: string): void;
  resume(session: string): void;
  /** Answer a session that waits on a human (a permission prompt): the keys to press. */
  answer?(session: string, text: string): Promise<void>;
  addTicket(ticket: NewTicketRequest): Promise<string>;
  retry(ticketId: string): void;
  cancel(ticketId: string): void;
  teamStart?(executors: number): Promise<void>;
  teamAddExecutor?(): Promise<void>;
  teamStop?(): Promise<void>;
  chat?(message: string): Promise<string>;
}
