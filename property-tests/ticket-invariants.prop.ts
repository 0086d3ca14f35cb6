/**
 * The real orchestrator with the real ticket and session machines, over random plans
 * (a random DAG of depends_on, random project routing, 1–4 sessions) and random outcomes
 * (checks pass or fail, turns end, agents loop, drop out, get paused, tickets get
 * cancelled), each run in an order a generated schedule picks. Invariants:
 *   - a ticket is in at most one session at a time;
 *   - FIFO per session: a dispatch never passes over an older ticket that session could take;
 *   - a done ticket is never dispatched again;
 *   - every command the orchestrator gives a session is one its state accepts;
 *   - dependents of a failed / escalated / cancelled parent end `blocked`;
 *   - the run always settles: every ticket ends done / escalated / blocked / cancelled and
 *     every session ends IDLE.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { AnyActorRef, InspectionEvent, Snapshot } from 'xstate';
import { BLOCKING, SETTLED, type TicketStatus } from '../lib/ticket.js';
import { newRecord, type IncomingTicket } from '../machines/ingest.js';
import type { OrchestratorContext, SessionSpec } from '../machines/orchestrator.js';
import { candidates, dependenciesDone } from '../machines/routing.js';
import { accepts, type SessionState } from '../machines/session-table.js';
import { flush } from '../specs/machines/helpers.js';
import { createHarness, incoming, sessionSpec, type Harness } from '../specs/machines/orchestrator-harness.js';

const PROJECTS = ['web', 'api', 'docs'];

interface Plan {
  sessions: SessionSpec[];
  tickets: IncomingTicket[];
  /** How many tickets the first poll brings; the rest come with a later poll. */
  firstPoll: number;
  strictReview: boolean;
  maxSignalAttempts: number;
  maxReapproach: number;
}

const ticketShape = (index: number, sessionCount: number) =>
  fc.record({
    parents: fc.subarray(Array.from({ length: index }, (_, i) => i), { maxLength: Math.min(3, index) }),
    project: fc.oneof(fc.constant(null), fc.constantFrom(...PROJECTS)),
    named: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat(sessionCount - 1) }),
    signal: fc.boolean(),
    complete: fc.boolean(),
  });

const planArb: fc.Arbitrary<Plan> = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 8 }))
  .chain(([sessionCount, ticketCount]) =>
    fc.record({
      projects: fc.array(fc.subarray(PROJECTS, { maxLength: 2 }), { minLength: sessionCount, maxLength: sessionCount }),
      tickets: fc.tuple(...Array.from({ length: ticketCount }, (_, i) => ticketShape(i, sessionCount))),
      firstPoll: fc.integer({ min: 1, max: ticketCount }),
      strictReview: fc.boolean(),
      maxSignalAttempts: fc.integer({ min: 1, max: 3 }),
      maxReapproach: fc.integer({ min: 0, max: 2 }),
    }),
  )
  .map(({ projects, tickets, firstPoll, strictReview, maxSignalAttempts, maxReapproach }) => {
    const sessions = projects.map((project_ids, i) => sessionSpec(`s${i}`, { project_ids }));
    return {
      sessions,
      tickets: tickets.map((t, i) =>
        incoming(`t${i}`, {
          project_id: t.project,
          depends_on: t.parents.map((p) => `t${p}`),
          sessions: t.named === null ? [] : [`s${t.named}`],
          signal_cmd: t.signal ? 'npm test' : null,
          complete: t.complete,
        }),
      ),
      firstPoll,
      strictReview,
      maxSignalAttempts,
      maxReapproach,
    };
  });

interface Action {
  name: string;
  /** Part of the happy path that finishes a run once the schedule is used up. */
  happy: boolean;
  run(outcome: number): void;
}

/** A ticket no session may take, or one waiting on such a ticket, stays queued: that is routing, not a hang. */
function unroutable(plan: Plan): Set<string> {
  const stuck = new Set<string>();
  for (const ticket of plan.tickets) {
    if (candidates(newRecord(ticket, 0, ''), plan.sessions).length === 0 || ticket.depends_on.some((p) => stuck.has(p))) stuck.add(ticket.id);
  }
  return stuck;
}

class Run {
  readonly h: Harness;
  readonly done = new Set<string>();
  readonly cancelledByUs = new Set<string>();
  private secondPollDue: boolean;
  private readonly lastSessionState = new Map<string, SessionState>();
  private previous: OrchestratorContext | null = null;
  readonly problems: string[] = [];
  readonly trace: string[] = [];

  constructor(readonly plan: Plan) {
    this.secondPollDue = plan.firstPoll < plan.tickets.length;
    this.h = createHarness({
      settings: {
        maxReapproach: plan.maxReapproach,
        limits: { maxSignalAttempts: plan.maxSignalAttempts, maxReviewAttempts: 2, strictReview: plan.strictReview },
      },
      onTerminalCommand: (session, command) => {
        if (command.type !== 'terminal.deliver') return;
        this.trace.push(`deliver ${command.ticketId} → ${session}`);
        if (this.done.has(command.ticketId)) this.problem(`${command.ticketId} was done, and was typed into ${session} again`);
        this.checkHolders(`delivering ${command.ticketId} to ${session}`);
      },
      inspect: (event) => this.inspect(event),
    });
    this.h.actor.on('persist.ticket', ({ record }) => {
      if (record.status === 'done') this.done.add(record.id);
    });
    this.h.actor.subscribe((snapshot) => this.onSnapshot(snapshot.context));
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** Every command the orchestrator gives a session must be one its state accepts. */
  private inspect(event: InspectionEvent): void {
    if (event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as Snapshot<unknown> & { machine?: { id: string }; value?: unknown };
    if (snapshot.machine?.id !== 'session') return;
    const value = snapshot.value;
    const state = (typeof value === 'string' ? value : Object.keys(value as object)[0]) as SessionState;
    const id = event.actorRef.sessionId;
    const before = this.lastSessionState.get(id);
    this.lastSessionState.set(id, state);
    const type = event.event.type;
    const decided = ['session.dispatch', 'session.release', 'session.reapproach', 'session.give_up'];
    if (before && decided.includes(type) && !accepts(before, type)) this.problem(`a session was sent ${type} while ${before}`);
  }

  private sessionTicket(ref: AnyActorRef): string | null {
    return (ref.getSnapshot().context as { ticket: { id: string } | null }).ticket?.id ?? null;
  }

  checkHolders(when: string): void {
    const holders = new Map<string, string>();
    for (const [name, entry] of Object.entries(this.h.context().sessions)) {
      const id = this.sessionTicket(entry.ref);
      if (id === null) continue;
      if (holders.has(id)) this.problem(`${id} is in ${holders.get(id)} and ${name} at once (${when})`);
      holders.set(id, name);
    }
  }

  /** FIFO per session, from the orchestrator's own view at the moment it dispatched. */
  private onSnapshot(context: OrchestratorContext): void {
    const previous = this.previous;
    this.previous = context;
    if (!previous) return;
    const tickets = new Map(Object.entries(context.tickets));
    const routes = Object.values(context.sessions).map((s) => s.spec);
    for (const [id, entry] of tickets) {
      const before = previous.tickets[id];
      if (entry.record.status !== 'dispatched' || before?.record.status === 'dispatched') continue;
      const session = entry.record.session!;
      for (const [otherId, other] of tickets) {
        const r = other.record;
        if (r.status !== 'queued' || !other.dispatchable || r.seq >= entry.record.seq || !dependenciesDone(r, tickets)) continue;
        if (candidates(r, routes).some((s) => s.name === session)) this.problem(`${id} (seq ${entry.record.seq}) went to ${session} ahead of ${otherId} (seq ${r.seq})`);
      }
    }
  }

  private sessionValue(name: string): { state: SessionState; sub: string | null } {
    const value = this.h.sessionValue(name) as SessionState | Partial<Record<SessionState, string>>;
    if (typeof value === 'string') return { state: value, sub: null };
    const [state, sub] = Object.entries(value)[0]!;
    return { state: state as SessionState, sub: sub ?? null };
  }

  /** What can happen next, happy path first. */
  actions(): Action[] {
    const h = this.h;
    const actions: Action[] = [];
    const at = 'now';
    for (const call of h.details.pending) {
      actions.push({ name: `details ${call.input.record.id}`, happy: true, run: (o) => (o % 4 === 0 ? call.reject(new Error('tracker down')) : call.resolve({ description: 'fetched', comments: [] })) });
    }
    for (const call of h.verify.pending) {
      actions.push({ name: 'verify', happy: true, run: (o) => call.resolve({ exit_code: o % 3 === 0 ? 1 : 0, output_tail: 'tail', at }) });
    }
    for (const call of h.review.pending) {
      actions.push({ name: `review ${call.input.record.id}`, happy: true, run: (o) => call.resolve({ verdict: o % 3 === 0 ? 'FAIL' : 'PASS', reason: 'r', at }) });
    }
    for (const call of h.writeBack.pending) {
      actions.push({ name: `write-back ${call.input.record.id}`, happy: true, run: (o) => (o % 5 === 0 ? call.reject(new Error('502')) : call.resolve({ at })) });
    }
    if (this.secondPollDue) {
      actions.push({
        name: 'second poll',
        happy: true,
        run: () => {
          this.secondPollDue = false;
          h.poll(this.plan.tickets);
        },
      });
    }
    for (const spec of this.plan.sessions) {
      const name = spec.name;
      const { state, sub } = this.sessionValue(name);
      const ctl = (event: Parameters<Harness['toSession']>[1]) => () => h.actor.send({ type: 'ctl.to_session', session: name, event: event as never });
      if (state === 'BUSY' && (sub === 'working' || sub === 'needs_human')) {
        actions.push({ name: `${name} ends its turn`, happy: true, run: ctl({ type: 'session.turn_ended', source: 'ready signal', summary: 'did it' }) });
      }
      if (state === 'BUSY' && sub === 'needs_human') actions.push({ name: `${name} answered`, happy: true, run: ctl({ type: 'session.answered' }) });
      if (state === 'BUSY' && sub === 'working') {
        actions.push({ name: `${name} asks a human`, happy: false, run: ctl({ type: 'session.needs_human', message: 'y/n?' }) });
        actions.push({ name: `${name} loops`, happy: false, run: () => h.toSession(name, { type: 'session.error_loop', reason: 'same error' }) });
        actions.push({ name: `${name} hits its usage limit`, happy: false, run: ctl({ type: 'session.limited', until: 'later', waitMs: 60_000, message: 'limit' }) });
      }
      if (state === 'BUSY' || state === 'IDLE') {
        actions.push({ name: `${name} drops out`, happy: false, run: () => h.toSession(name, { type: 'session.unreachable', reason: 'exited' }) });
        actions.push({ name: `${name} is paused`, happy: false, run: () => h.actor.send({ type: 'ctl.pause', session: name }) });
      }
      if (state === 'UNREACHABLE') actions.push({ name: `${name} reconnects`, happy: true, run: () => h.toSession(name, { type: 'session.reconnected' }) });
      if (state === 'PAUSED') actions.push({ name: `${name} is resumed`, happy: true, run: () => h.actor.send({ type: 'ctl.resume', session: name }) });
      if (state === 'PAUSED' && sub === 'limited') actions.push({ name: 'a usage limit resets', happy: false, run: () => h.clock.increment(60_000) });
    }
    for (const ticket of this.plan.tickets) {
      const entry = h.context().tickets[ticket.id];
      if (!entry?.ref || (entry.record.status !== 'queued' && entry.record.status !== 'dispatched')) continue;
      actions.push({
        name: `cancel ${ticket.id}`,
        happy: false,
        run: () => {
          this.cancelledByUs.add(ticket.id);
          h.actor.send({ type: 'ctl.cancel', ticket: ticket.id });
        },
      });
      if (entry.record.status !== 'queued') continue;
      actions.push({
        name: `${ticket.id} is gone upstream`,
        happy: false,
        run: () => {
          // A queued ticket missing from a poll is no longer ours: cancelled.
          this.cancelledByUs.add(ticket.id);
          h.poll(this.plan.tickets.filter((t) => t.id !== ticket.id && h.context().tickets[t.id]));
        },
      });
    }
    return actions;
  }

  status(id: string): TicketStatus | null {
    return this.h.context().tickets[id] ? this.h.ticket(id).status : null;
  }
}

async function play(plan: Plan, schedule: number[]): Promise<void> {
  const run = new Run(plan);
  const { h } = run;
  h.start(plan.sessions);
  h.poll(plan.tickets.slice(0, plan.firstPoll));
  await flush();
  const fail = (message: string) => {
    assert.unreachable(`${message}\nplan: ${JSON.stringify(plan)}\ntrace:\n  ${run.trace.slice(-40).join('\n  ')}`);
  };
  let step = 0;
  for (;;) {
    if (run.problems.length > 0) fail(run.problems.join('\n'));
    const actions = run.actions();
    if (actions.length === 0) break;
    const choice = schedule[step];
    // Once the schedule is used up, finish on the happy path (resolve, pass, end turns, resume).
    const action = choice === undefined ? actions.find((a) => a.happy) : actions[choice % actions.length];
    if (!action) break;
    if (++step > 2_000) fail('the run did not settle in 2000 steps');
    run.trace.push(action.name);
    action.run(choice === undefined ? 1 : Math.floor(choice / actions.length));
    await flush();
    run.checkHolders(`after ${action.name}`);
  }

  // The run settled: every ticket ended, or waits on routing that no session can serve.
  const waiting = unroutable(plan);
  for (const ticket of plan.tickets) {
    const status = run.status(ticket.id);
    if (status === null) fail(`${ticket.id} never arrived`);
    if (!SETTLED.has(status!) && !(status === 'queued' && waiting.has(ticket.id))) fail(`${ticket.id} ended ${status}, not settled`);
    const record = h.ticket(ticket.id);
    if (status === 'blocked') {
      const parents = ticket.depends_on.map((p) => run.status(p));
      if (!parents.some((p) => p !== null && BLOCKING.has(p))) fail(`${ticket.id} is blocked, but its parents are ${parents.join(', ')}`);
    }
    for (const parent of ticket.depends_on) {
      const parentStatus = run.status(parent);
      if (parentStatus !== null && BLOCKING.has(parentStatus) && status !== 'blocked' && !(status === 'cancelled' && run.cancelledByUs.has(ticket.id))) {
        fail(`${ticket.id} ended ${status} although its parent ${parent} is ${parentStatus} (${record.last_error})`);
      }
    }
    if (status === 'done') {
      for (const parent of ticket.depends_on) if (run.status(parent) !== 'done') fail(`${ticket.id} is done before its parent ${parent}`);
    }
  }
  for (const spec of plan.sessions) {
    const state = h.sessionState(spec.name);
    if (state !== 'IDLE') fail(`${spec.name} ended ${state}`);
  }
  h.actor.stop();
}

/** fc.assert, with the failing run's own message (fast-check keeps it as `cause`, which uvu does not print). */
async function check(property: fc.IAsyncProperty<[Plan, ...unknown[]]>, params: fc.Parameters<[Plan, ...unknown[]]>): Promise<void> {
  try {
    await fc.assert(property, params);
  } catch (error) {
    const cause = (error as Error).cause;
    const replay = (error as Error).message.split('\n').filter((line) => /^(Property failed|\{ seed|Counterexample)/.test(line));
    throw cause instanceof Error ? Object.assign(new Error(`${replay.join('\n')}\n${cause.message}`), { cause }) : error;
  }
}

test('tickets keep their invariants over random plans and outcomes, and every run settles', async () => {
  await check(
    fc.asyncProperty(planArb, fc.array(fc.nat(), { maxLength: 120 }), (plan, schedule) => play(plan, schedule)),
    { numRuns: 250 },
  );
});

test('a plan worked on the happy path ends with every routable ticket done', async () => {
  await check(
    fc.asyncProperty(planArb, async (plan) => {
      const run = new Run(plan);
      run.h.start(plan.sessions);
      run.h.poll(plan.tickets);
      await flush();
      for (let step = 0; ; step++) {
        assert.ok(step < 1_000, 'settles');
        const action = run.actions().find((a) => a.happy);
        if (!action) break;
        action.run(1);
        await flush();
      }
      assert.equal(run.problems, []);
      const waiting = unroutable(plan);
      for (const ticket of plan.tickets) assert.is(run.status(ticket.id), waiting.has(ticket.id) ? 'queued' : 'done', ticket.id);
      run.h.actor.stop();
    }),
    { numRuns: 150 },
  );
});

test.run();
