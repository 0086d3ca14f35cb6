/**
 * Persistence: any sequence of putTicket / putSession / append / journal / flush / restart,
 * then close and load, gives back exactly the state a plain model of those operations holds.
 * Runs against the real file store in a temp dir, and against its memory twin.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { ZoroEvent } from '../lib/events.js';
import { TICKET_STATUSES, type JournalEntry, type PersistedTicket, type SessionRecord, type Store } from '../adapters/store/index.js';
import { fileSubject, memorySubject, ticket, type Place, type Subject } from '../specs/adapters/store/fixtures/places.js';

interface Model {
  tickets: Map<string, PersistedTicket>;
  sessions: Map<string, SessionRecord>;
  journal: Map<string, JournalEntry>;
  events: ZoroEvent[];
}

interface Real {
  place: Place;
  store: Store;
  /** Stores left behind by simulated crashes; closed (which only releases files) at the end. */
  abandoned: Store[];
}

type Cmd = fc.AsyncCommand<Model, Real>;

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Reopens the place and checks everything loaded against the model. */
async function reopenAndCompare(model: Model, real: Real): Promise<void> {
  real.store = real.place.open();
  const state = await real.store.load();
  const tickets = [...model.tickets.values()].sort((a, b) => a.seq - b.seq || byId(a, b));
  assert.equal(state.tickets, tickets);
  assert.equal(
    [...state.sessions].sort((a, b) => byId({ id: a.name }, { id: b.name })),
    [...model.sessions.values()].sort((a, b) => byId({ id: a.name }, { id: b.name })),
  );
  assert.equal([...state.journal].sort(byId), [...model.journal.values()].sort(byId));
  assert.is(state.next_seq, model.events.length + 1);
  assert.is(state.next_ticket_seq, tickets.reduce((max, t) => Math.max(max, t.seq), 0) + 1);
  assert.equal(real.store.recentEvents(30), model.events.slice(-30));
}

class PutTicket implements Cmd {
  constructor(readonly record: PersistedTicket) {}
  check = () => true;
  async run(model: Model, real: Real) {
    model.tickets.set(this.record.id, this.record);
    real.store.putTicket(this.record);
  }
  toString = () => `putTicket(${this.record.id}, ${this.record.status}, attempts ${this.record.attempts})`;
}

class PutSession implements Cmd {
  constructor(readonly record: SessionRecord) {}
  check = () => true;
  async run(model: Model, real: Real) {
    model.sessions.set(this.record.name, this.record);
    real.store.putSession(this.record);
  }
  toString = () => `putSession(${this.record.name}, ${this.record.state})`;
}

class Append implements Cmd {
  constructor(readonly type: string, readonly message: string, readonly n: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const expected: ZoroEvent = { seq: model.events.length + 1, at: 'at', type: this.type, message: this.message, data: { n: this.n } };
    model.events.push(expected);
    assert.equal(real.store.append({ type: this.type, message: this.message, data: { n: this.n }, at: 'at' }), expected);
  }
  toString = () => `append(${this.type})`;
}

class JournalBegin implements Cmd {
  constructor(readonly id: string, readonly ticket: string) {}
  check = (model: Readonly<Model>) => !model.journal.has(this.id);
  async run(model: Model, real: Real) {
    model.journal.set(this.id, { id: this.id, kind: 'prompt', ticket: this.ticket, at: 'at', done_at: null });
    await real.store.journalBegin({ id: this.id, kind: 'prompt', ticket: this.ticket, at: 'at' });
  }
  toString = () => `journalBegin(${this.id}, ${this.ticket})`;
}

class JournalEnd implements Cmd {
  constructor(readonly id: string) {}
  check = () => true;
  async run(model: Model, real: Real) {
    model.journal.delete(this.id);
    await real.store.journalEnd(this.id);
  }
  toString = () => `journalEnd(${this.id})`;
}

class Flush implements Cmd {
  check = () => true;
  async run(_model: Model, real: Real) {
    await real.store.flush();
  }
  toString = () => 'flush()';
}

/** A clean restart: close, then a new store loads what the model holds. */
class Restart implements Cmd {
  check = () => true;
  async run(model: Model, real: Real) {
    await real.store.close();
    await reopenAndCompare(model, real);
  }
  toString = () => 'restart()';
}

/** A crash right after a flush: the old store is never closed, a new one loads. */
class CrashAfterFlush implements Cmd {
  check = () => true;
  async run(model: Model, real: Real) {
    await real.store.flush();
    real.abandoned.push(real.store);
    await reopenAndCompare(model, real);
  }
  toString = () => 'flush(); crash()';
}

// What the store hands back is plain JSON; fast-check's records may have a null prototype.
const plain = { noNullPrototype: true };
const ids = fc.constantFrom('1', '2', '3', '4', '5', '6');
const text = fc.stringMatching(/^[a-z ]{0,12}$/);
const ticketArb = fc
  .record({
    id: ids,
    status: fc.constantFrom(...TICKET_STATUSES),
    // Few values, so the same record comes back (done → queued → the same done again).
    attempts: fc.nat(2),
    seq: fc.nat(4),
    summary: fc.option(fc.constantFrom('did it', 'ünïcode ✓', '"quoted"\nline')),
    depends_on: fc.constantFrom<string[][]>([], ['1'], ['2', '3']),
    snapshot: fc.option(fc.record({ value: fc.constantFrom('queued', 'dispatched', 'done'), context: fc.record({ n: fc.nat(1) }, plain) }, plain), { nil: undefined }),
  })
  .map(({ id, snapshot, ...fields }) => ticket(id, { ...fields, created_at: '2025-01-01T00:00:00.000Z', ...(snapshot ? { snapshot } : {}) }));

const commands = fc.commands<Model, Real, false>(
  [
    ticketArb.map((record) => new PutTicket(record)),
    fc.record({ name: fc.constantFrom('api', 'web'), state: fc.constantFrom('IDLE', 'BUSY', 'PAUSED'), ticket: fc.option(ids) }, plain).map((record) => new PutSession(record)),
    fc.tuple(fc.constantFrom('ticket.queued', 'session.state'), text, fc.integer()).map(([type, message, n]) => new Append(type, message, n)),
    fc.tuple(fc.constantFrom('p1', 'p2', 'p3'), ids).map(([id, t]) => new JournalBegin(id, t)),
    fc.constantFrom('p1', 'p2', 'p3').map((id) => new JournalEnd(id)),
    fc.constant(new Flush()),
    fc.constant(new Restart()),
    fc.constant(new CrashAfterFlush()),
  ],
  { maxCommands: 40 },
);

function property(subject: Subject, numRuns: number): void {
  test(`${subject.name}: store → close → load gives back the state of a model of the same operations`, async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const place = await subject.fresh();
        const model: Model = { tickets: new Map(), sessions: new Map(), journal: new Map(), events: [] };
        const real: Real = { place, store: place.open(), abandoned: [] };
        try {
          await real.store.load();
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          await real.store.close();
          await reopenAndCompare(model, real);
          await real.store.close();
          for (const store of real.abandoned) await store.close();
        } finally {
          await place.dispose();
        }
      }),
      { numRuns },
    );
  });
}

property(fileSubject, 150);
property(memorySubject, 300);

test.run();
