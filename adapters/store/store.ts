/**
 * The Store's logic, shared by the file store and its memory twin; each supplies a
 * StoreBackend (the bytes), as lowdb stacks a `Low` on an adapter.
 *
 * Why a write does not grow with history: the state document holds live tickets only. A
 * finished ticket (done, failed, escalated, cancelled) with no open journal entry moves to
 * the append-only archive at the next write; `load()` reads the archive once and hands every
 * ticket back. Writes are coalesced: one in flight, at most one trailing, each covering every
 * change made before it started.
 */
import type { ZoroEvent } from '../../lib/events.js';
import { ZoroError, errorMessage } from '../../lib/errors.js';
import { fingerprint, jsonClone, ticketProblem, type StateDoc, type StoredTicket } from './records.js';
import { redactSecrets, redactText } from './redact.js';
import {
  FINISHED_STATUSES,
  type JournalEntry,
  type NewEvent,
  type NewJournalEntry,
  type SessionRecord,
  type Store,
  type StoredState,
  type StoreOptions,
  type PersistedTicket,
} from './types.js';

/** What a backend found on open. */
export interface BackendContents {
  doc: StateDoc | null;
  /** Archive records in the order they were appended (later wins on equal rev). */
  archive: StoredTicket[];
  /** The last events, oldest first. */
  recentEvents: ZoroEvent[];
}

/** Where the bytes go: files in data_dir, or a MemoryDisk. */
export interface StoreBackend {
  open(recentLimit: number, log: (level: 'warn' | 'error', message: string) => void): Promise<BackendContents>;
  /** Appends `archive` durably, then replaces the state document durably. */
  writeState(doc: StateDoc, archive: StoredTicket[]): Promise<void>;
  /**
   * Hands the line to the OS before returning where it can (the file store writes it at
   * once, so it survives a SIGKILL); `flushEvents` writes out anything still buffered.
   */
  appendEvent(event: ZoroEvent): void;
  flushEvents(): Promise<void>;
  close(): Promise<void>;
}

const RECENT_LIMIT = 1000;

function stderrLog(level: 'warn' | 'error', message: string): void {
  process.stderr.write(`zoro store ${level}: ${message}\n`);
}

export function createStore(backend: StoreBackend, options: StoreOptions = {}): Store {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? stderrLog;
  const writeDelayMs = options.writeDelayMs ?? 20;

  let phase: 'new' | 'loading' | 'open' | 'closed' = 'new';
  const live = new Map<string, StoredTicket>();
  // Finished tickets taken out of `live` whose archive line is not yet written.
  const toArchive = new Map<string, StoredTicket>();
  // Fingerprints of archived tickets, so re-putting an unchanged finished ticket is free.
  const archived = new Map<string, number>();
  const sessions = new Map<string, SessionRecord>();
  const journal = new Map<string, JournalEntry>();
  let rev = 0;
  let eventSeq = 0;
  let recent: ZoroEvent[] = [];

  // Every change bumps `changes`; a write covers the changes made before it started.
  let changes = 0;
  let saved = 0;
  let inFlight: Promise<void> | null = null;
  let inFlightCovers = 0;
  let trailing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  // Events wait for the next timed state write, so the event log never tells of something
  // state.json does not hold: after a crash, what a restart decides again (a dispatch whose
  // state was not saved yet) is logged once, not twice. An event and the change it tells
  // of are made in the same task; the timer fires in a later one, so its write covers both.
  let held: ZoroEvent[] = [];

  function requireOpen(what: string): void {
    if (phase === 'open') return;
    throw new ZoroError(phase === 'closed' ? `store: ${what} after close()` : `store: ${what} before load(); call and await load() once at start`);
  }

  function changed(): void {
    changes += 1;
    schedule();
  }

  /** The coalescing timer: saves what changed, then writes the events held before it fired. */
  function schedule(): void {
    timer ??= setTimeout(() => {
      timer = null;
      const upTo = held.at(-1)?.seq ?? 0;
      const saving = saved < changes ? persist() : (inFlight ?? Promise.resolve());
      saving.then(
        () => releaseEvents(upTo),
        (error: unknown) => log('error', `saving state failed, will retry on the next change: ${errorMessage(error)}`),
      );
    }, writeDelayMs);
  }

  /** Hands held events up to seq `upTo` to the backend, in order. */
  function releaseEvents(upTo: number): void {
    let n = 0;
    while (n < held.length && held[n]!.seq <= upTo) backend.appendEvent(held[n++]!);
    if (n > 0) held = held.slice(n);
  }

  function isLive(stored: StoredTicket): boolean {
    if (!FINISHED_STATUSES.includes(stored.ticket.status)) return true;
    for (const entry of journal.values()) if (entry.ticket === stored.ticket.id) return true;
    return false;
  }

  async function writeOnce(covers: number): Promise<void> {
    for (const [id, stored] of live) {
      if (isLive(stored)) continue;
      live.delete(id);
      toArchive.set(id, stored);
    }
    const batch = [...toArchive.values()];
    const doc: StateDoc = {
      format: 'zoro-state',
      version: 1,
      saved_at: now().toISOString(),
      rev,
      event_seq: eventSeq,
      tickets: Object.fromEntries(live),
      sessions: Object.fromEntries(sessions),
      journal: [...journal.values()],
    };
    await backend.writeState(doc, batch);
    for (const stored of batch) {
      const id = stored.ticket.id;
      if (toArchive.get(id) !== stored) continue; // put again meanwhile
      toArchive.delete(id);
      archived.set(id, fingerprint(JSON.stringify(stored.ticket)));
    }
    saved = Math.max(saved, covers);
  }

  function persist(): Promise<void> {
    if (!inFlight) return start();
    if (inFlightCovers >= changes) return inFlight;
    trailing ??= inFlight
      .catch(() => undefined) // its own caller hears about that failure
      .then(() => {
        trailing = null;
        return start();
      });
    return trailing;
  }

  function start(): Promise<void> {
    inFlightCovers = changes;
    const write: Promise<void> = writeOnce(changes).finally(() => {
      if (inFlight === write) inFlight = null;
    });
    inFlight = write;
    return write;
  }

  function restore(contents: BackendContents): StoredState {
    const doc = contents.doc;
    const newest = new Map<string, StoredTicket>();
    for (const stored of contents.archive) {
      const seen = newest.get(stored.ticket.id);
      if (!seen || stored.rev >= seen.rev) newest.set(stored.ticket.id, stored);
      rev = Math.max(rev, stored.rev);
    }
    for (const stored of newest.values()) archived.set(stored.ticket.id, fingerprint(JSON.stringify(stored.ticket)));
    if (doc) {
      rev = Math.max(rev, doc.rev);
      eventSeq = doc.event_seq;
      for (const [id, stored] of Object.entries(doc.tickets)) {
        const older = newest.get(id);
        // An archive line newer than the document: a crash fell between the two writes.
        if (older && older.rev > stored.rev) continue;
        live.set(id, stored);
        newest.set(id, stored);
        archived.delete(id);
      }
      for (const [name, session] of Object.entries(doc.sessions)) sessions.set(name, session);
      for (const entry of doc.journal) journal.set(entry.id, entry);
    }
    recent = contents.recentEvents;
    for (const event of recent) eventSeq = Math.max(eventSeq, event.seq);
    const tickets = [...newest.values()].map((stored) => jsonClone(stored.ticket));
    tickets.sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return {
      tickets,
      sessions: [...sessions.values()].map(jsonClone),
      journal: [...journal.values()].map(jsonClone),
      next_seq: eventSeq + 1,
      next_ticket_seq: tickets.reduce((max, t) => Math.max(max, t.seq), 0) + 1,
    };
  }

  return {
    async load() {
      if (phase !== 'new') throw new ZoroError('store: load() was already called; it reads data_dir once, at start');
      phase = 'loading';
      try {
        const state = restore(await backend.open(RECENT_LIMIT, log));
        phase = 'open';
        return state;
      } catch (error) {
        phase = 'new';
        throw error;
      }
    },

    putTicket(ticket: PersistedTicket) {
      requireOpen('putTicket');
      const problem = ticketProblem(ticket);
      if (problem) throw new ZoroError(`store: putTicket got a bad ticket record: ${problem}`);
      const text = JSON.stringify(ticket);
      const fp = archived.get(ticket.id);
      if (fp !== undefined && !live.has(ticket.id) && !toArchive.has(ticket.id) && fp === fingerprint(text)) return;
      toArchive.delete(ticket.id);
      live.set(ticket.id, { rev: ++rev, ticket: JSON.parse(text) as PersistedTicket });
      changed();
    },

    putSession(session: SessionRecord) {
      requireOpen('putSession');
      if (typeof session.name !== 'string' || session.name === '') throw new ZoroError('store: putSession needs a session name');
      sessions.set(session.name, jsonClone(session));
      changed();
    },

    async journalBegin(entry: NewJournalEntry) {
      requireOpen('journalBegin');
      if (journal.has(entry.id)) {
        throw new ZoroError(`store: journal entry ${entry.id} is already open; end it (journalEnd) before beginning it again, or the effect could happen twice`);
      }
      const { at, data, ...rest } = entry;
      const begun: JournalEntry = jsonClone({ ...rest, at: at ?? now().toISOString(), done_at: null, ...(data ? { data: redactSecrets(data) } : {}) });
      journal.set(entry.id, begun);
      changed();
      // What led to the effect (a dispatch: the ticket's new status) is stored in this same
      // task, after the caller began the entry: let it in, so the write that makes the entry
      // durable holds its cause too, and the effect is never on disk without it.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await persist();
    },

    async journalEnd(id: string) {
      requireOpen('journalEnd');
      if (!journal.delete(id)) return;
      changed();
      await persist();
    },

    append(event: NewEvent): ZoroEvent {
      requireOpen('append');
      // Fields picked one by one: a caller cannot smuggle its own seq in.
      const logged: ZoroEvent = jsonClone({
        seq: ++eventSeq,
        at: event.at ?? now().toISOString(),
        type: String(event.type),
        session: event.session,
        ticket: event.ticket,
        provider: event.provider,
        message: redactText(String(event.message)),
        data: event.data ? redactSecrets(event.data) : undefined,
      });
      recent.push(logged);
      if (recent.length > 2 * RECENT_LIMIT) recent = recent.slice(-RECENT_LIMIT);
      held.push(logged);
      schedule();
      return logged;
    },

    recentEvents(n: number) {
      return n > 0 ? recent.slice(-Math.min(n, RECENT_LIMIT)) : [];
    },

    async flush() {
      requireOpen('flush');
      if (timer) clearTimeout(timer);
      timer = null;
      try {
        if (saved < changes) await persist();
        else if (inFlight) await inFlight;
      } finally {
        // Flushing (and closing) writes every event, saved state or not.
        releaseEvents(Infinity);
      }
      await backend.flushEvents();
    },

    async close() {
      if (phase === 'closed') return;
      if (phase === 'open') await this.flush();
      phase = 'closed';
      await backend.close();
    },
  };
}
