/**
 * The Store edge: what zoro keeps in `data_dir` so a restart resumes where it stopped.
 * lowdb's style: not-found is `null` or an empty list, only real failures throw.
 */
import type { ZoroEvent } from '../../lib/events.js';
import { ZoroError } from '../../lib/errors.js';
import type { TicketRecord, TicketStatus } from '../../lib/ticket.js';

export { TICKET_STATUSES, type TicketRecord, type TicketStatus, type SignalAttempt, type ReviewAttempt } from '../../lib/ticket.js';

/**
 * A finished ticket leaves the live state document for the archive once no journal entry
 * refers to it. Not `blocked` (lib/ticket's SETTLED has it): a retried parent unblocks it.
 */
export const FINISHED_STATUSES: readonly TicketStatus[] = ['done', 'failed', 'escalated', 'cancelled'];

/** A ticket as the store keeps it: the record, plus the ticket actor's persisted snapshot if any. */
export type PersistedTicket = TicketRecord & {
  /** XState persisted snapshot of the ticket actor, when the actor layer stores one. */
  snapshot?: unknown;
};

export interface SessionRecord {
  name: string;
  state: string;
  ticket: string | null;
  claude_session_id?: string;
  /** XState persisted snapshot of the session actor. */
  snapshot?: unknown;
}

/** `(string & {})` keeps the known kinds in editor completion while allowing others. */
export type JournalKind = 'prompt' | 'writeback' | (string & {});

/**
 * A side effect announced before it is done. An entry still open at start-up means zoro
 * stopped between announcing and finishing it: check the world before doing it again.
 */
export interface JournalEntry {
  id: string;
  kind: JournalKind;
  ticket: string;
  session?: string;
  attempt?: number;
  at: string;
  done_at: string | null;
  data?: Record<string, unknown>;
}

export type NewJournalEntry = Omit<JournalEntry, 'at' | 'done_at'> & { at?: string };

export type NewEvent = Omit<ZoroEvent, 'seq' | 'at'> & { at?: string };

/** What `load()` gives back, once, at start-up. */
export interface StoredState {
  /** Live and archived tickets (the newest record of each), in `seq` order. */
  tickets: PersistedTicket[];
  sessions: SessionRecord[];
  /** Journal entries that were begun and never ended: effects that may or may not have happened. */
  journal: JournalEntry[];
  /** The seq the next appended event will get. */
  next_seq: number;
  /** One more than the highest ticket `seq` stored. */
  next_ticket_seq: number;
}

/**
 * zoro's persistence. Call `load()` once before anything else, `close()` at the end.
 *
 * @example
 *   const store = createFileStore({ dir: '/home/me/.zoro' });
 *   const state = await store.load();
 *   await store.journalBegin({ id: 'prompt:7:1', kind: 'prompt', ticket: '7', attempt: 1 });
 *   await terminal.paste(prompt);
 *   await store.journalEnd('prompt:7:1');
 */
export interface Store {
  load(): Promise<StoredState>;
  /** Buffered: written by `flush()` or the write-behind a few ms later. */
  putTicket(ticket: PersistedTicket): void;
  putSession(session: SessionRecord): void;
  /** Resolves once the entry is on disk (fsynced): only then do the side effect. Throws if `id` is already open. */
  journalBegin(entry: NewJournalEntry): Promise<void>;
  /** Resolves once the end is on disk. Ending an unknown or already ended id does nothing. */
  journalEnd(id: string): Promise<void>;
  /**
   * Assigns `seq` (and `at` if missing), redacts secrets, appends to the event log — on disk
   * once the state write after it has landed, so the log never runs ahead of the state.
   */
  append(event: NewEvent): ZoroEvent;
  /** The last `n` events, oldest first (up to the last 1,000 are kept in memory). */
  recentEvents(n: number): ZoroEvent[];
  /** Writes pending state and events. */
  flush(): Promise<void>;
  /** Flushes and releases the data_dir. */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Delay of the write-behind after a change, in ms. @default 20 */
  writeDelayMs?: number;
  /** Time source for `at` fields. @default () => new Date() */
  now?: () => Date;
  /** Warnings (a skipped corrupt line, a repaired file) and background write failures. @default stderr */
  log?: (level: 'warn' | 'error', message: string) => void;
}

/** A store file that cannot be read as zoro wrote it. Names the file; says what to do. */
export class StoreError extends ZoroError {
  override name = 'StoreError';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}
