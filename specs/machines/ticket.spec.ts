import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, waitFor } from 'xstate';
import type { TicketRecord, TicketStatus } from '../../lib/ticket.js';
import { ticketMachine, type DetailsResult, type ReviewResult, type TicketLimits, type TicketReport, type VerifyResult } from '../../machines/ticket.js';
import { controlledPromise, ticketRecord } from './helpers.js';

const AT = '2024-01-02T03:04:05.000Z';
const defaultLimits: TicketLimits = { maxSignalAttempts: 5, maxReviewAttempts: 3, strictReview: false };

/** A ticket machine whose effects the spec settles by hand. */
function startTicket(record: TicketRecord, options: { limits?: Partial<TicketLimits>; detailsLoaded?: boolean; repo?: string | null } = {}) {
  const details = controlledPromise<{ record: TicketRecord }, DetailsResult>();
  const verify = controlledPromise<{ command: string; cwd: string | null }, VerifyResult>();
  const review = controlledPromise<{ record: TicketRecord; cwd: string | null }, ReviewResult>();
  const writeBack = controlledPromise<{ record: TicketRecord }, { at: string }>();
  const reports: TicketReport[] = [];
  const escalated: TicketRecord[] = [];
  const machine = ticketMachine.provide({
    actors: { details: details.logic, verify: verify.logic, review: review.logic, writeBack: writeBack.logic },
    actions: {
      report: (_, report: TicketReport) => void reports.push(report),
      escalate: (_, record: TicketRecord) => void escalated.push(record),
    },
  });
  const actor = createActor(machine, {
    input: { record, limits: { ...defaultLimits, ...options.limits }, detailsLoaded: options.detailsLoaded, repo: options.repo },
  });
  actor.start();
  const reached = (state: string) => waitFor(actor, (s) => s.matches(state as never), { timeout: 1_000 });
  return { actor, details, verify, review, writeBack, reports, escalated, reached };
}

type Ticket = ReturnType<typeof startTicket>;

function status(ticket: Ticket): TicketStatus {
  return ticket.actor.getSnapshot().context.record.status;
}

/** From queued.ready: dispatched to `web`, the turn ended, now verifying (or past it). */
function work(ticket: Ticket): void {
  ticket.actor.send({ type: 'ticket.dispatch', session: 'web', repo: '/repos/web', at: AT });
  ticket.actor.send({ type: 'ticket.turn_ended', summary: 'Added the endpoint', at: AT });
}

async function failCheck(ticket: Ticket, n: number): Promise<void> {
  ticket.verify.pending[0]!.resolve({ exit_code: 2, output_tail: `FAIL test ${n}`, at: AT });
  await waitFor(ticket.actor, (s) => !s.matches('verifying'), { timeout: 1_000 });
}

test('a new ticket fetches its details, is ready, and passes its check to done', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-1', signal_cmd: 'npm test' }));
  assert.ok(ticket.actor.getSnapshot().matches({ queued: 'fetching' }));
  assert.is(ticket.reports.at(-1)?.dispatchable, false);
  ticket.details.pending[0]!.resolve({ description: 'The full text', comments: [{ author: 'ana', body: 'please', createdAt: null }] });
  await ticket.reached('queued.ready');
  assert.is(ticket.reports.at(-1)?.dispatchable, true);
  assert.is(ticket.actor.getSnapshot().context.record.description, 'The full text');

  ticket.actor.send({ type: 'ticket.dispatch', session: 'web', repo: '/repos/web', at: AT });
  const dispatched = ticket.actor.getSnapshot().context.record;
  assert.is(dispatched.status, 'dispatched');
  assert.is(dispatched.session, 'web');
  assert.is(dispatched.attempts, 1);
  assert.is(dispatched.dispatched_at, AT);

  ticket.actor.send({ type: 'ticket.turn_ended', summary: 'Added the endpoint', at: AT });
  assert.is(status(ticket), 'verifying');
  assert.equal(ticket.verify.calls, [{ command: 'npm test', cwd: '/repos/web' }]);
  ticket.verify.pending[0]!.resolve({ exit_code: 0, output_tail: 'ok', at: AT });
  await ticket.reached('closing');
  assert.is(ticket.review.calls.length, 0, 'no strict review');
  ticket.writeBack.pending[0]!.resolve({ at: '2024-01-02T04:00:00.000Z' });
  await ticket.reached('done');
  const done = ticket.actor.getSnapshot().context.record;
  assert.is(done.status, 'done');
  assert.is(done.session, 'web');
  assert.is(done.summary, 'Added the endpoint');
  assert.is(done.finished_at, '2024-01-02T04:00:00.000Z');
  assert.equal(done.signal_history, [{ exit_code: 0, at: AT, output_tail: 'ok' }]);
  assert.is(ticket.actor.getSnapshot().status, 'done');
  assert.equal(
    ticket.reports.map((r) => r.machineState),
    ['queued.fetching', 'queued.ready', 'dispatched', 'verifying', 'reviewing', 'closing', 'done'],
  );
});

test('a failed check re-queues the ticket with the output tail as feedback and counts the attempt', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-2', signal_cmd: 'npm test' }), { detailsLoaded: true });
  await ticket.reached('queued.ready');
  work(ticket);
  await failCheck(ticket, 1);
  assert.ok(ticket.actor.getSnapshot().matches({ queued: 'ready' }), 'ready again at once: details are not fetched again');
  const record = ticket.actor.getSnapshot().context.record;
  assert.is(record.status, 'queued');
  assert.is(record.session, null);
  assert.is(record.feedback, 'FAIL test 1');
  assert.is(record.signal_attempts, 1);
  assert.is(record.last_error, 'signal_cmd exited 2');
  assert.is(ticket.details.calls.length, 0);
});

test('five failed checks escalate the ticket, and escalate once', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-3', signal_cmd: 'npm test' }), { detailsLoaded: true });
  for (let n = 1; n <= 5; n++) {
    await ticket.reached('queued.ready');
    work(ticket);
    await failCheck(ticket, n);
  }
  assert.ok(ticket.actor.getSnapshot().matches('escalated'));
  const record = ticket.actor.getSnapshot().context.record;
  assert.is(record.status, 'escalated');
  assert.is(record.signal_attempts, 5);
  assert.is(record.attempts, 5);
  assert.is(record.last_error, 'signal_cmd failed 5 times (exit 2)');
  assert.is(record.finished_at, AT);
  assert.is(ticket.escalated.length, 1);
  assert.is(ticket.escalated[0]!.id, 'T-3');
  assert.is(ticket.escalated[0]!.status, 'escalated');
});

test('a ticket without signal_cmd skips the check', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-4' }), { detailsLoaded: true });
  await ticket.reached('queued.ready');
  work(ticket);
  await ticket.reached('closing');
  assert.is(ticket.verify.calls.length, 0);
  assert.is(ticket.review.calls.length, 0);
  assert.not.ok(ticket.reports.some((r) => r.machineState === 'verifying' && r.record.signal_history.length > 0));
});

test('the strict review runs for a ticket without signal_cmd, and a FAIL re-queues it', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-5' }), { detailsLoaded: true, limits: { strictReview: true }, repo: null });
  await ticket.reached('queued.ready');
  work(ticket);
  await ticket.reached('reviewing');
  assert.is(ticket.review.calls.length, 1);
  assert.is(ticket.review.calls[0]!.cwd, '/repos/web');
  ticket.review.pending[0]!.resolve({ verdict: 'FAIL', reason: 'no tests were added', at: AT });
  await ticket.reached('queued.ready');
  let record = ticket.actor.getSnapshot().context.record;
  assert.is(record.feedback, 'Review: no tests were added');
  assert.is(record.review_attempts, 1);

  work(ticket);
  await ticket.reached('reviewing');
  ticket.review.pending[0]!.resolve({ verdict: 'PASS', reason: 'good', at: AT });
  await ticket.reached('closing');
  record = ticket.actor.getSnapshot().context.record;
  assert.equal(record.review_history.map((r) => r.verdict), ['FAIL', 'PASS']);
});

test('a passing signal_cmd is proof enough: no strict review', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-6', signal_cmd: 'make check' }), { detailsLoaded: true, limits: { strictReview: true } });
  await ticket.reached('queued.ready');
  work(ticket);
  ticket.verify.pending[0]!.resolve({ exit_code: 0, output_tail: '', at: AT });
  await ticket.reached('closing');
  assert.is(ticket.review.calls.length, 0);
});

test('three failed reviews escalate the ticket', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-7' }), { detailsLoaded: true, limits: { strictReview: true } });
  for (let n = 1; n <= 3; n++) {
    await ticket.reached('queued.ready');
    work(ticket);
    await ticket.reached('reviewing');
    ticket.review.pending[0]!.resolve({ verdict: 'FAIL', reason: `still wrong ${n}`, at: AT });
    await waitFor(ticket.actor, (s) => !s.matches('reviewing'));
  }
  assert.ok(ticket.actor.getSnapshot().matches('escalated'));
  assert.is(ticket.actor.getSnapshot().context.record.last_error, 'review failed: still wrong 3');
  assert.is(ticket.escalated.length, 1);
});

test('a review that cannot run lets the work stand, and says so', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-8' }), { detailsLoaded: true, limits: { strictReview: true } });
  await ticket.reached('queued.ready');
  work(ticket);
  await ticket.reached('reviewing');
  ticket.review.pending[0]!.reject(new Error('no reviewer configured'));
  await ticket.reached('closing');
  assert.is(ticket.actor.getSnapshot().context.record.last_error, 'review skipped: no reviewer configured');
});

test('a failed write-back still ends done, with the failure recorded', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-9' }), { detailsLoaded: true });
  await ticket.reached('queued.ready');
  work(ticket);
  await ticket.reached('closing');
  ticket.writeBack.pending[0]!.reject(Object.assign(new Error('github: 502'), { at: '2024-01-03T00:00:00.000Z' }));
  await ticket.reached('done');
  const record = ticket.actor.getSnapshot().context.record;
  assert.is(record.last_error, 'write-back failed: github: 502');
  assert.is(record.finished_at, '2024-01-03T00:00:00.000Z');
});

test('a details failure still reaches ready, and says why details are missing', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-10', description: 'from the poll' }));
  ticket.details.pending[0]!.reject(new Error('jira: 503'));
  await ticket.reached('queued.ready');
  const record = ticket.actor.getSnapshot().context.record;
  assert.is(record.last_error, 'details: jira: 503');
  assert.is(record.description, 'from the poll');
  assert.is(ticket.reports.at(-1)?.dispatchable, true);
});

test('a stored ticket is restored to where it was', async () => {
  const cases: [TicketStatus, string][] = [
    ['queued', 'queued'],
    ['dispatched', 'dispatched'],
    ['verifying', 'verifying'],
    ['reviewing', 'verifying'], // interrupted mid-check: checked again
    ['closing', 'closing'],
    ['done', 'done'],
    ['failed', 'failed'],
    ['escalated', 'escalated'],
    ['blocked', 'blocked'],
    ['cancelled', 'cancelled'],
  ];
  for (const [stored, state] of cases) {
    const ticket = startTicket(ticketRecord({ id: `R-${stored}`, status: stored, signal_cmd: 'npm test', session: 'web', attempts: 1 }), {
      detailsLoaded: true,
      repo: '/repos/web',
    });
    assert.ok(ticket.actor.getSnapshot().matches(state as never), `${stored} → ${JSON.stringify(ticket.actor.getSnapshot().value)}`);
    if (state === 'verifying') assert.equal(ticket.verify.calls, [{ command: 'npm test', cwd: '/repos/web' }], 'the check runs again');
    if (state === 'closing') assert.is(ticket.writeBack.calls.length, 1, 'the write-back runs again');
  }
});

test('restoring an escalated ticket does not escalate it a second time', () => {
  const ticket = startTicket(ticketRecord({ id: 'R-esc', status: 'escalated', last_error: 'stuck' }));
  assert.ok(ticket.actor.getSnapshot().matches('escalated'));
  assert.is(ticket.escalated.length, 0);
});

test('a blocked ticket says which parent blocks it, and a retry queues it again', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-11' }), { detailsLoaded: true });
  await ticket.reached('queued.ready');
  ticket.actor.send({ type: 'ticket.block', reason: 'depends on T-1, which is escalated', at: AT });
  let record = ticket.actor.getSnapshot().context.record;
  assert.is(record.status, 'blocked');
  assert.is(record.last_error, 'depends on T-1, which is escalated');
  assert.is(record.finished_at, AT);
  ticket.actor.send({ type: 'ticket.retry' });
  await ticket.reached('queued.ready');
  record = ticket.actor.getSnapshot().context.record;
  assert.is(record.status, 'queued');
  assert.is(record.finished_at, null);
  assert.is(record.last_error, null);
});

test('a ticket can be cancelled while queued or dispatched, and not once done', async () => {
  const queued = startTicket(ticketRecord({ id: 'T-12' }), { detailsLoaded: true });
  await queued.reached('queued.ready');
  queued.actor.send({ type: 'ticket.cancel', at: AT });
  assert.is(status(queued), 'cancelled');

  const dispatched = startTicket(ticketRecord({ id: 'T-13' }), { detailsLoaded: true });
  await dispatched.reached('queued.ready');
  dispatched.actor.send({ type: 'ticket.dispatch', session: 'web', repo: '/r', at: AT });
  dispatched.actor.send({ type: 'ticket.cancel', at: AT });
  assert.is(status(dispatched), 'cancelled');
  assert.is(dispatched.actor.getSnapshot().context.record.session, null);

  const done = startTicket(ticketRecord({ id: 'T-14', status: 'done' }));
  done.actor.send({ type: 'ticket.cancel', at: AT });
  done.actor.send({ type: 'ticket.retry' });
  assert.is(status(done), 'done');
});

test('a retry after an escalation starts the counts again', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-15', signal_cmd: 'npm test' }), { detailsLoaded: true, limits: { maxSignalAttempts: 2 } });
  for (let n = 1; n <= 2; n++) {
    await ticket.reached('queued.ready');
    work(ticket);
    await failCheck(ticket, n);
  }
  assert.is(status(ticket), 'escalated');
  ticket.actor.send({ type: 'ticket.retry' });
  await ticket.reached('queued.ready');
  const record = ticket.actor.getSnapshot().context.record;
  assert.is(record.signal_attempts, 0);
  assert.is(record.review_attempts, 0);
  assert.is(record.reapproaches, 0);
  assert.is(record.last_error, null);
  assert.is(record.attempts, 2, 'the total number of attempts is history, not reset');
  assert.is(record.signal_history.length, 2);
});

test('a session that drops its ticket re-queues it with the reason', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-16' }), { detailsLoaded: true });
  await ticket.reached('queued.ready');
  ticket.actor.send({ type: 'ticket.dispatch', session: 'web', repo: '/r', at: AT });
  ticket.actor.send({ type: 'ticket.reapproach', reason: 'same error 3 times' });
  assert.is(ticket.actor.getSnapshot().context.record.reapproaches, 1);
  assert.is(status(ticket), 'dispatched');
  ticket.actor.send({ type: 'ticket.requeue', reason: 'session web went UNREACHABLE' });
  await ticket.reached('queued.ready');
  const record = ticket.actor.getSnapshot().context.record;
  assert.is(record.last_error, 'session web went UNREACHABLE');
  assert.is(record.session, null);
});

test('an update from the tracker changes what the ticket says, and fetches details again when it changed upstream', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-17', updated_at: '1' }));
  ticket.details.pending[0]!.resolve({ description: 'details v1', comments: [] });
  await ticket.reached('queued.ready');
  ticket.actor.send({
    type: 'ticket.update',
    title: 'New title',
    description: '',
    context: 'ctx',
    signal_cmd: 'npm test',
    depends_on: ['T-1'],
    project_id: 'web',
    url: null,
    updated_at: '2',
  });
  const record = ticket.actor.getSnapshot().context.record;
  assert.is(record.title, 'New title');
  assert.is(record.description, 'details v1', 'an empty description from a poll keeps the fetched one');
  assert.equal(record.depends_on, ['T-1']);
  assert.is(ticket.actor.getSnapshot().context.detailsLoaded, false);
});

test('a signal_cmd that cannot run counts as a failed attempt, so the ticket escalates rather than loops', async () => {
  const ticket = startTicket(ticketRecord({ id: 'T-18', signal_cmd: 'npm test' }), { detailsLoaded: true, limits: { maxSignalAttempts: 2 } });
  await ticket.reached('queued.ready');
  work(ticket);
  ticket.verify.pending[0]!.reject(new Error('cannot run signal_cmd in /gone: spawn bash ENOENT'));
  await ticket.reached('queued.ready');
  let record = ticket.actor.getSnapshot().context.record;
  assert.is(record.last_error, 'signal_cmd could not run: cannot run signal_cmd in /gone: spawn bash ENOENT');
  assert.is(record.signal_attempts, 1);
  work(ticket);
  ticket.verify.pending[0]!.reject(new Error('cannot run signal_cmd in /gone: spawn bash ENOENT'));
  await ticket.reached('escalated');
  record = ticket.actor.getSnapshot().context.record;
  assert.is(record.status, 'escalated');
  assert.is(ticket.escalated.length, 1);
});

test.run();
