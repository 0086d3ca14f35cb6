/**
 * Model-based: random event sequences against the session machine (on a fake terminal that
 * takes every delivery), with the transition table as the model. After every event the
 * machine's top-level state is the one the table predicts; an event the state does not
 * accept leaves it where it was, and `assertAccepts` throws for it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { InvalidTransitionError } from '../lib/errors.js';
import type { SessionEvent, SessionReport } from '../machines/session.js';
import { assertAccepts, targetOf, type SessionState } from '../machines/session-table.js';
import { startSession } from '../specs/machines/helpers.js';

const BUSY_LIMIT_MS = 60_000;
const LIMIT_WAIT_MS = 30_000;
/** One step of time: longer than both timers, so a timer running at its start fires in it. */
const STEP_MS = 60_000;

type Sub = 'working' | 'needs_human' | 'settling' | 'held' | 'limited';

/** The table, plus the little it leaves to sub-states (BUSY's, PAUSED's) and the pending pause. */
interface Model {
  state: SessionState;
  sub: Sub | null;
  pausing: boolean;
}

type Real = ReturnType<typeof startSession>;

function topLevel(real: Real): { state: SessionState; sub: Sub | null } {
  const value = real.actor.getSnapshot().value as SessionState | Partial<Record<SessionState, Sub>>;
  if (typeof value === 'string') return { state: value, sub: null };
  const [state, sub] = Object.entries(value)[0]!;
  return { state: state as SessionState, sub: sub ?? null };
}

function enter(model: Model, state: SessionState, sub: Sub | null = null): void {
  model.state = state;
  model.sub = sub;
  if (state === 'PAUSED' || state === 'UNREACHABLE') model.pausing = false;
  // Paused by hand unless a usage limit did it (then it resumes by itself when the limit resets).
  if (state === 'PAUSED' && sub === null) model.sub = 'held';
  // A pause asked for during the turn takes effect as soon as the session is IDLE.
  if (state === 'IDLE' && model.pausing) enter(model, 'PAUSED');
}

/** What the model expects an accepted event to do. */
function apply(model: Model, event: SessionEvent, target: SessionState): void {
  if (model.state === 'BUSY' && target === 'BUSY') {
    // moves inside BUSY
    if (event.type === 'session.turn_ended' && model.sub !== 'settling') model.sub = 'settling';
    else if (event.type === 'session.needs_human' && model.sub === 'working') model.sub = 'needs_human';
    else if (event.type === 'session.answered' && model.sub === 'needs_human') model.sub = 'working';
    else if (event.type === 'session.pause') model.pausing = true;
    return;
  }
  if (model.state === 'PAUSED' && target === 'PAUSED') return;
  // Into BUSY from outside: the fake terminal takes the prompt at once (or there is none to type).
  enter(model, target, target === 'BUSY' ? 'working' : event.type === 'session.limited' ? 'limited' : null);
}

class Send implements fc.Command<Model, Real> {
  constructor(readonly event: SessionEvent) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const before = model.state;
    const target = targetOf(before, this.event.type);
    if (target === null) {
      assert.throws(
        () => assertAccepts(before, this.event.type),
        (error: unknown) => error instanceof InvalidTransitionError && error.state === before && error.event === this.event.type,
      );
    } else {
      assertAccepts(before, this.event.type);
      apply(model, this.event, target);
    }
    real.actor.send(this.event);
    check(model, real, this.toString());
  }
  toString(): string {
    return this.event.type;
  }
}

/**
 * Time passes: a session working on a turn past the busy limit is in an error loop, and
 * one paused by a usage limit resumes once it resets.
 */
class TimePasses implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    if (model.state === 'BUSY' && model.sub === 'working') enter(model, 'ERROR_LOOP');
    else if (model.state === 'PAUSED' && model.sub === 'limited') enter(model, 'IDLE');
    real.clock.increment(STEP_MS);
    check(model, real, this.toString());
  }
  toString(): string {
    return `+${STEP_MS} ms`;
  }
}

function check(model: Model, real: Real, after: string): void {
  const actual = topLevel(real);
  assert.is(actual.state, model.state, `state after ${after}`);
  assert.is(actual.sub, model.sub, `sub-state after ${after}`);
  assert.is(real.actor.getSnapshot().context.pausing, model.pausing, `pending pause after ${after}`);
  // The orchestrator's view (the last state reported) is the real state.
  const reported = real.reports.filter((r): r is Extract<SessionReport, { type: 'session.changed' }> => r.type === 'session.changed').at(-1);
  assert.is(reported?.state, model.state, `reported state after ${after}`);
  assert.is(real.actor.getSnapshot().status, 'active');
}

const events: SessionEvent[] = [
  { type: 'session.dispatch', ticketId: 'T-1', attempt: 1, prompt: 'Ticket: T-1 (attempt 1)' },
  { type: 'session.release' },
  { type: 'session.pause' },
  { type: 'session.resume' },
  { type: 'session.reapproach', prompt: 'Ticket: T-1 (attempt 1) — re-approach' },
  { type: 'session.give_up', reason: 'escalated' },
  { type: 'session.answered' },
  { type: 'session.ready' },
  { type: 'session.resume_busy', ticketId: 'T-0', attempt: 3, finished: false },
  { type: 'session.turn_ended', source: 'ready signal', summary: null },
  { type: 'session.needs_human', message: 'Allow? (y/n)' },
  { type: 'session.error_loop', reason: 'same error' },
  { type: 'session.limited', until: '2024-01-01T05:00:00Z', waitMs: LIMIT_WAIT_MS, message: 'usage limit' },
  { type: 'session.unreachable', reason: 'exited' },
  { type: 'session.reconnected' },
];

// The way in (ready, dispatch) and out (limits, pauses) are weighted up, so runs get deep into BUSY and PAUSED often.
const likely = new Set(['session.ready', 'session.dispatch', 'session.needs_human', 'session.reconnected', 'session.limited', 'session.pause']);
const commands = fc.commands(
  [
    ...events.flatMap((event) => Array.from({ length: likely.has(event.type) ? 3 : 1 }, () => fc.constant(new Send(event)))),
    fc.constant(new TimePasses()),
  ],
  { maxCommands: 80 },
);

test('after every event the session is in the state the transition table predicts', () => {
  fc.assert(
    fc.property(commands, (cmds) => {
      const real = startSession({ ack: true, busyLimitMs: BUSY_LIMIT_MS });
      const model: Model = { state: 'UNKNOWN', sub: null, pausing: false };
      try {
        fc.modelRun(() => ({ model, real }), cmds);
      } finally {
        real.actor.stop();
      }
    }),
    { numRuns: 4000 },
  );
});

test('every state is reached by some sequence of events', () => {
  const seen = new Set<string>();
  fc.assert(
    fc.property(commands, (cmds) => {
      const real = startSession({ ack: true, busyLimitMs: BUSY_LIMIT_MS });
      const model: Model = { state: 'UNKNOWN', sub: null, pausing: false };
      real.actor.subscribe((snapshot) => seen.add(JSON.stringify(snapshot.value)));
      fc.modelRun(() => ({ model, real }), cmds);
      real.actor.stop();
    }),
    // A coverage check, not a search for a counterexample: a fixed seed keeps it from
    // depending on luck (which states 200 random runs happen to reach).
    { numRuns: 300, seed: 20261122 },
  );
  const states = ['"UNKNOWN"', '"IDLE"', '{"BUSY":"working"}', '{"BUSY":"needs_human"}', '{"BUSY":"settling"}', '"ERROR_LOOP"', '"UNREACHABLE"'];
  for (const state of [...states, '{"PAUSED":"held"}', '{"PAUSED":"limited"}']) {
    assert.ok(seen.has(state), `${state} was reached`);
  }
});

test.run();
