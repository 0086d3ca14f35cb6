import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromCallback, fromPromise, waitFor } from 'xstate';
import type { TicketStatus } from '../../lib/ticket.js';
import { sessionMachine, type TerminalCommand } from '../../machines/session.js';
import { flush, ticketRecord } from './helpers.js';
import { createHarness, incoming, READY, sessionSpec, type Harness } from './orchestrator-harness.js';

const turnEnded = { type: 'session.turn_ended', source: 'ready signal', summary: 'done it' } as const;

async function reached(h: Harness, id: string, status: TicketStatus): Promise<void> {
  await waitFor(h.actor, () => h.ticket(id).status === status, { timeout: 1_000 });
}

test('config.loaded spawns one session per [session:*] and one poller per provider', () => {
  const h = createHarness({ readyOnAttach: false });
  h.start([sessionSpec('web'), sessionSpec('api')], [{ name: 'plan', type: 'plan', intervalMs: 1_000 }]);
  const children = Object.keys(h.actor.getSnapshot().children).sort();
  assert.equal(children, ['poller:plan', 'session:api', 'session:web']);
  assert.is(h.sessionState('web'), 'UNKNOWN');
  assert.equal(
    h.logs.filter((l) => l.type === 'session.added').map((l) => l.session),
    ['web', 'api'],
  );
});

test('a poll creates one ticket actor per new ticket, in arrival order, and no duplicates', () => {
  const h = createHarness({ readyOnAttach: false });
  h.start([sessionSpec('web')]);
  h.poll([incoming('1'), incoming('2')]);
  h.poll([incoming('1'), incoming('2'), incoming('3')]);
  const tickets = h.context().tickets;
  assert.equal(Object.keys(tickets).sort(), ['1', '2', '3']);
  assert.equal(['1', '2', '3'].map((id) => tickets[id]!.record.seq), [1, 2, 3]);
  assert.ok(h.actor.getSnapshot().children['ticket:3']);
  assert.equal(
    h.logs.filter((l) => l.type === 'provider.tickets').map((l) => l.data?.ids),
    [['1', '2'], ['3']],
  );
});

test('a queued ticket that disappears from its source is cancelled, and a changed one is updated', () => {
  const h = createHarness({ readyOnAttach: false });
  h.start([sessionSpec('web')]);
  h.poll([incoming('1'), incoming('2')]);
  h.poll([incoming('2', { title: 'Renamed' })]);
  assert.is(h.ticket('1').status, 'cancelled');
  assert.is(h.ticket('2').title, 'Renamed');
  assert.ok(h.logs.some((l) => l.type === 'ticket.gone' && l.ticket === '1'));
});

test('a ready ticket is dispatched to an IDLE session with the structured prompt', () => {
  const h = createHarness();
  h.start([sessionSpec('web')]);
  assert.is(h.sessionState('web'), 'IDLE');
  h.poll([incoming('1', { title: 'Add login', signal_cmd: 'npm test' })]);
  const [delivery] = h.deliveries('web');
  assert.ok(delivery, 'the prompt was typed');
  assert.is(delivery.ticketId, '1');
  assert.is(delivery.attempt, 1);
  assert.match(delivery.prompt, /^Ticket: 1 \(attempt 1\)$/m);
  assert.match(delivery.prompt, /^Title: Add login$/m);
  assert.match(delivery.prompt, new RegExp(`print the line "${READY}"`));
  assert.equal(h.sessionValue('web'), { BUSY: 'working' });
  const record = h.ticket('1');
  assert.is(record.status, 'dispatched');
  assert.is(record.session, 'web');
  assert.ok(h.logs.some((l) => l.type === 'ticket.dispatched' && l.ticket === '1' && l.session === 'web'));
});

test('a finished turn is verified, written back, and the session takes the next ticket', async () => {
  const h = createHarness();
  h.start([sessionSpec('web')]);
  h.poll([incoming('1', { signal_cmd: 'npm test' }), incoming('2')]);
  assert.equal(h.deliveries('web').map((d) => d.ticketId), ['1']);
  h.toSession('web', turnEnded);
  await reached(h, '1', 'verifying');
  assert.equal(h.sessionValue('web'), { BUSY: 'settling' }, 'held while the check runs');
  assert.equal(h.verify.calls, [{ command: 'npm test', cwd: '/repos/web' }]);
  h.verify.pending[0]!.resolve({ exit_code: 0, output_tail: 'ok', at: 'now' });
  await reached(h, '1', 'closing');
  h.writeBack.pending[0]!.resolve({ at: 'later' });
  await reached(h, '1', 'done');
  assert.equal(h.deliveries('web').map((d) => d.ticketId), ['1', '2']);
  assert.is(h.ticket('1').summary, 'done it');
  assert.ok(h.logs.some((l) => l.type === 'ticket.done' && l.ticket === '1'));
});

test('a failed check re-queues the ticket and the next prompt carries the failure', async () => {
  const h = createHarness();
  h.start([sessionSpec('web')]);
  h.poll([incoming('1', { signal_cmd: 'npm test' })]);
  h.toSession('web', turnEnded);
  await reached(h, '1', 'verifying');
  h.verify.pending[0]!.resolve({ exit_code: 1, output_tail: 'expected 2, got 3', at: 'now' });
  await waitFor(h.actor, () => h.deliveries('web').length === 2, { timeout: 1_000 });
  const second = h.deliveries('web')[1]!;
  assert.is(second.attempt, 2);
  assert.match(second.prompt, /The previous attempt did not pass/);
  assert.match(second.prompt, /^\| expected 2, got 3$/m);
});

test('a ticket several sessions can take goes to the one that became IDLE first', () => {
  const h = createHarness({ readyOnAttach: false });
  h.start([sessionSpec('a'), sessionSpec('b')]);
  h.toSession('b', { type: 'session.ready' });
  h.toSession('a', { type: 'session.ready' });
  h.poll([incoming('1'), incoming('2'), incoming('3')]);
  assert.equal(h.deliveries('b').map((d) => d.ticketId), ['1']);
  assert.equal(h.deliveries('a').map((d) => d.ticketId), ['2']);
  assert.is(h.ticket('3').status, 'queued');
});

test('tickets are routed by project id, and the FIFO of each session is kept', () => {
  const h = createHarness();
  h.start([sessionSpec('web', { project_ids: ['web'] }), sessionSpec('api', { project_ids: ['api'] })]);
  h.poll([incoming('1', { project_id: 'api' }), incoming('2', { project_id: 'web' }), incoming('3', { project_id: 'api' })]);
  assert.equal(h.deliveries('api').map((d) => d.ticketId), ['1']);
  assert.equal(h.deliveries('web').map((d) => d.ticketId), ['2']);
  assert.is(h.ticket('3').status, 'queued', 'waits for api, although web is free');
});

test('a child waits for its parent to be done', async () => {
  const h = createHarness();
  h.start([sessionSpec('a'), sessionSpec('b')]);
  h.poll([incoming('1'), incoming('2', { depends_on: ['1'] })]);
  assert.is(h.ticket('2').status, 'queued', 'b is idle, but 2 waits for 1');
  assert.is(h.deliveries('b').length, 0);
  h.toSession('a', turnEnded);
  await reached(h, '1', 'closing');
  h.writeBack.pending[0]!.resolve({ at: 'later' });
  await reached(h, '2', 'dispatched');
});

test('a failed parent blocks its dependents, and theirs', async () => {
  const h = createHarness({ settings: { limits: { maxSignalAttempts: 1, maxReviewAttempts: 3, strictReview: false } } });
  h.start([sessionSpec('web')]);
  h.poll([incoming('1', { signal_cmd: 'false' }), incoming('2', { depends_on: ['1'] }), incoming('3', { depends_on: ['2'] }), incoming('4')]);
  h.toSession('web', turnEnded);
  await reached(h, '1', 'verifying');
  h.verify.pending[0]!.resolve({ exit_code: 1, output_tail: 'no', at: 'now' });
  await reached(h, '1', 'escalated');
  assert.is(h.ticket('2').status, 'blocked');
  assert.is(h.ticket('2').last_error, 'depends on 1, which is escalated');
  assert.is(h.ticket('3').status, 'blocked');
  assert.is(h.ticket('3').last_error, 'depends on 2, which is blocked');
  assert.equal(h.deliveries('web').map((d) => d.ticketId), ['1', '4'], 'the independent ticket goes on');
});

test('a cancelled parent blocks its dependents', () => {
  const h = createHarness({ readyOnAttach: false });
  h.start([sessionSpec('web')]);
  h.poll([incoming('1'), incoming('2', { depends_on: ['1'] })]);
  h.actor.send({ type: 'ctl.cancel', ticket: '1' });
  assert.is(h.ticket('1').status, 'cancelled');
  assert.is(h.ticket('2').status, 'blocked');
});

test('a session that goes UNREACHABLE gives its ticket back to the queue, and another session takes it', () => {
  const h = createHarness();
  h.start([sessionSpec('a')]);
  h.poll([incoming('1')]);
  assert.is(h.ticket('1').session, 'a');
  h.actor.send({ type: 'config.loaded', sessions: [sessionSpec('a'), sessionSpec('b')], providers: [{ name: 'plan', type: 'plan', intervalMs: 120_000 }], settings: h.context().settings });
  h.toSession('a', { type: 'session.unreachable', reason: 'agent exited (exit 1)' });
  assert.is(h.sessionState('a'), 'UNREACHABLE');
  const record = h.ticket('1');
  assert.is(record.status, 'dispatched');
  assert.is(record.session, 'b');
  assert.is(record.attempts, 2);
  assert.is(record.last_error, 'session a went UNREACHABLE: agent exited (exit 1)');
  assert.ok(h.logs.some((l) => l.type === 'session.state' && l.message === 'a: BUSY → UNREACHABLE (agent exited (exit 1))'));
});

test('an ERROR_LOOP is re-approached max_reapproach times, then the ticket is escalated and the session given up', () => {
  const h = createHarness({ settings: { maxReapproach: 2 } });
  h.start([sessionSpec('web')]);
  h.poll([incoming('1')]);
  for (let n = 1; n <= 2; n++) {
    h.toSession('web', { type: 'session.error_loop', reason: 'the same error keeps appearing' });
    assert.equal(h.sessionValue('web'), { BUSY: 'working' }, `re-approach ${n} delivered`);
    const delivery = h.deliveries('web').at(-1)!;
    assert.is(delivery.interruptFirst, true);
    assert.match(delivery.prompt, /^Ticket: 1 \(attempt 1\) — re-approach$/m);
    assert.match(delivery.prompt, /You seem to be stuck: the same error keeps appearing/);
    assert.is(h.ticket('1').reapproaches, n);
  }
  h.toSession('web', { type: 'session.error_loop', reason: 'still stuck' });
  assert.is(h.ticket('1').status, 'escalated');
  assert.match(h.ticket('1').last_error ?? '', /^stuck after 2 re-approaches: still stuck/);
  assert.is(h.sessionState('web'), 'UNREACHABLE');
  assert.equal(h.logs.filter((l) => l.type === 'session.reapproach').length, 2);
});

test('a session that loops on a ticket cancelled under it is released, and takes the next ticket', () => {
  const h = createHarness();
  h.start([sessionSpec('web')]);
  h.poll([incoming('1'), incoming('2')]);
  h.actor.send({ type: 'ctl.cancel', ticket: '1' });
  assert.is(h.ticket('1').status, 'cancelled');
  h.toSession('web', { type: 'session.error_loop', reason: 'the same error keeps appearing' });
  assert.is(h.ticket('1').reapproaches, 0, 'nothing to re-approach');
  assert.equal(h.deliveries('web').map((d) => d.ticketId), ['1', '2']);
  assert.equal(h.sessionValue('web'), { BUSY: 'working' });
});

test('a pause asked for during a turn takes effect at its end, and no ticket is typed into the paused session', async () => {
  const h = createHarness();
  h.start([sessionSpec('web')]);
  h.poll([incoming('1'), incoming('2')]);
  h.actor.send({ type: 'ctl.pause', session: 'web' });
  h.actor.send({ type: 'ctl.to_session', session: 'web', event: turnEnded });
  await reached(h, '1', 'closing');
  h.writeBack.pending[0]!.resolve({ at: 'later' });
  await reached(h, '1', 'done');
  assert.is(h.sessionState('web'), 'PAUSED');
  const second = h.ticket('2');
  assert.is(second.status, 'queued');
  assert.is(second.attempts, 0, 'never handed to the paused session');
  h.actor.send({ type: 'ctl.resume', session: 'web' });
  assert.is(h.ticket('2').status, 'dispatched');
});

test('a child that fails is logged and restarted after its backoff, never silently', async () => {
  let starts = 0;
  const poller = fromPromise(async () => {
    starts += 1;
    if (starts === 1) throw new Error('plan.md vanished');
    return new Promise<never>(() => undefined);
  });
  const h = createHarness({ poller, readyOnAttach: false });
  h.start([sessionSpec('web')]);
  await waitFor(h.actor, () => h.logs.some((l) => l.type === 'actor.failed'), { timeout: 1_000 });
  const failure = h.logs.find((l) => l.type === 'actor.failed')!;
  assert.is(failure.message, 'poller:plan failed: plan.md vanished; restarting (attempt 1)');
  assert.is(starts, 1);
  h.clock.increment(999);
  await flush();
  assert.is(starts, 1, 'not before the backoff');
  h.clock.increment(1);
  await flush();
  assert.is(starts, 2);
  assert.ok(h.actor.getSnapshot().children['poller:plan']);
});

test('a child that keeps failing is restarted after 1 s, 2 s, 4 s… up to a minute', async () => {
  let starts = 0;
  const poller = fromPromise(async () => {
    starts += 1;
    throw new Error(`plan.md unreadable (${starts})`);
  });
  const h = createHarness({ poller, readyOnAttach: false });
  h.start([sessionSpec('web')]);
  await flush();
  const gaps: number[] = [];
  let waited = 0;
  while (gaps.length < 8) {
    const before = starts;
    h.clock.increment(1_000);
    waited += 1_000;
    await flush();
    if (starts !== before) {
      gaps.push(waited);
      waited = 0;
    }
  }
  assert.equal(gaps, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  assert.is(h.logs.filter((l) => l.type === 'actor.failed').length, 9);
});

test('a session whose terminal fails is restarted and picks up the ticket it held', async () => {
  let starts = 0;
  const commands: TerminalCommand[] = [];
  const terminal = fromCallback<TerminalCommand, { name: string; resume: { ticketId: string; attempt: number } | null }>(({ input, receive, sendBack }) => {
    starts += 1;
    receive((command) => {
      commands.push(command);
      if (command.type === 'terminal.deliver') {
        if (starts === 1) throw new Error('pane went away');
        sendBack({ type: 'terminal.delivered' });
      }
    });
    if (input.resume) sendBack({ type: 'session.resume_busy', ticketId: input.resume.ticketId, attempt: input.resume.attempt, finished: false });
    else sendBack({ type: 'session.ready' });
  });
  const report = (await import('xstate')).sendParent((_: unknown, params: { type: string }) => params) as never;
  const h = createHarness({ session: sessionMachine.provide({ actors: { terminal }, actions: { report } }) });
  h.start([sessionSpec('web')]);
  h.poll([incoming('1')]);
  await waitFor(h.actor, () => h.logs.some((l) => l.type === 'actor.failed'), { timeout: 1_000 });
  assert.match(h.logs.find((l) => l.type === 'actor.failed')!.message, /^session:web failed: .*pane went away/);
  h.clock.increment(1_000);
  await flush();
  assert.is(starts, 2);
  assert.equal(h.sessionValue('web'), { BUSY: 'working' }, 'resumed on its ticket, not given a new one');
  assert.is(h.ticket('1').session, 'web');
});

test('a session removed from the config stops once its ticket is done', async () => {
  const h = createHarness();
  h.start([sessionSpec('web'), sessionSpec('api')]);
  h.poll([incoming('1')]);
  const holder = h.ticket('1').session!;
  const other = holder === 'web' ? 'api' : 'web';
  h.actor.send({ type: 'config.loaded', sessions: [sessionSpec(other)], providers: [{ name: 'plan', type: 'plan', intervalMs: 120_000 }], settings: h.context().settings });
  assert.ok(h.actor.getSnapshot().children[`session:${holder}`], 'still working');
  h.toSession(holder, turnEnded);
  await reached(h, '1', 'closing');
  h.writeBack.pending[0]!.resolve({ at: 'later' });
  await reached(h, '1', 'done');
  assert.not.ok(h.context().sessions[holder]);
  assert.ok(h.logs.some((l) => l.type === 'session.removed' && l.session === holder));
});

test('a settled ticket from an earlier run is kept for dependencies, and a retry respawns it', () => {
  const h = createHarness({
    readyOnAttach: false,
    tickets: [ticketRecord({ id: '1', status: 'escalated', seq: 1 }), ticketRecord({ id: '2', seq: 2, depends_on: ['1'] })],
  });
  h.start([sessionSpec('web')]);
  assert.is(h.context().tickets['1']!.ref, null);
  assert.is(h.ticket('2').status, 'blocked');
  h.actor.send({ type: 'ctl.retry', ticket: '1' });
  assert.ok(h.context().tickets['1']!.ref);
  assert.is(h.ticket('1').status, 'queued');
  h.poll([]);
  assert.is(h.context().nextSeq, 3);
});

test.run();
