import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, SimulatedClock, waitFor } from 'xstate';
import { pollerMachine, type PollerReport, type PollResult } from '../../machines/poller.js';
import { controlledPromise } from './helpers.js';

function startPoller(options: { intervalMs?: number; backoffBaseMs?: number } = {}) {
  const poll = controlledPromise<{ name: string }, PollResult>();
  const reports: PollerReport[] = [];
  const clock = new SimulatedClock();
  const machine = pollerMachine.provide({
    actors: { poll: poll.logic },
    actions: { report: (_, report: PollerReport) => void reports.push(report) },
  });
  const actor = createActor(machine, {
    clock,
    input: { name: 'github', type: 'github', intervalMs: options.intervalMs ?? 120_000, backoffBaseMs: options.backoffBaseMs },
  });
  actor.start();
  const state = () => actor.getSnapshot().value as string;
  const settled = (value: string) => waitFor(actor, (s) => s.value === value, { timeout: 1_000 });
  return { actor, poll, reports, clock, state, settled };
}

test('a poller polls at once, reports the tickets, and polls again after its interval', async () => {
  const p = startPoller({ intervalMs: 60_000 });
  assert.is(p.state(), 'polling');
  assert.equal(p.poll.calls, [{ name: 'github' }]);
  p.poll.pending[0]!.resolve({ tickets: [{ id: '1' }], at: 'T1' });
  await p.settled('idle');
  assert.ok(p.reports.some((r) => r.type === 'provider.polled' && r.provider === 'github' && r.tickets.length === 1 && r.at === 'T1'));
  const changed = p.reports.filter((r) => r.type === 'poller.changed').at(-1);
  assert.equal(changed, { type: 'poller.changed', name: 'github', state: 'idle', last_poll_at: 'T1', last_error: null });
  p.clock.increment(59_999);
  assert.is(p.state(), 'idle');
  p.clock.increment(1);
  assert.is(p.state(), 'polling');
  assert.is(p.poll.calls.length, 2);
});

test('a failed poll backs off 10 s, then 20 s, capped at the interval, and says why', async () => {
  const p = startPoller({ intervalMs: 30_000 });
  const waits: number[] = [];
  for (let n = 1; n <= 3; n++) {
    p.poll.pending[0]!.reject(new Error('github: 502 Bad Gateway'));
    await p.settled('backoff');
    let waited = 0;
    while (p.state() === 'backoff') {
      p.clock.increment(1_000);
      waited += 1_000;
    }
    waits.push(waited);
  }
  assert.equal(waits, [10_000, 20_000, 30_000]);
  const changed = p.reports.filter((r) => r.type === 'poller.changed' && r.state === 'backoff').at(-1);
  assert.is(changed?.type === 'poller.changed' ? changed.last_error : null, 'github: 502 Bad Gateway');
  assert.is(p.actor.getSnapshot().context.failures, 3);
  p.poll.pending[0]!.resolve({ tickets: [], at: 'T2' });
  await p.settled('idle');
  assert.is(p.actor.getSnapshot().context.failures, 0);
  assert.is(p.actor.getSnapshot().context.lastError, null);
});

test('a change pushed while a poll runs polls again right after it', async () => {
  const p = startPoller();
  p.actor.send({ type: 'poller.poll_now' });
  assert.is(p.poll.calls.length, 1, 'not two polls at once');
  p.poll.pending[0]!.resolve({ tickets: [], at: 'T1' });
  await waitFor(p.actor, () => p.poll.calls.length === 2, { timeout: 1_000 });
  assert.is(p.state(), 'polling');
  p.poll.pending[0]!.resolve({ tickets: [], at: 'T2' });
  await p.settled('idle');
  assert.is(p.poll.calls.length, 2);
});

test('poll_now cuts an idle wait or a backoff short', async () => {
  const p = startPoller();
  p.poll.pending[0]!.resolve({ tickets: [], at: 'T1' });
  await p.settled('idle');
  p.actor.send({ type: 'poller.poll_now' });
  assert.is(p.state(), 'polling');
  p.poll.pending[0]!.reject(new Error('down'));
  await p.settled('backoff');
  p.actor.send({ type: 'poller.poll_now' });
  assert.is(p.state(), 'polling');
  assert.is(p.poll.calls.length, 3);
});

test('a new interval applies from the next wait', async () => {
  const p = startPoller({ intervalMs: 120_000 });
  p.actor.send({ type: 'poller.set_interval', intervalMs: 5_000 });
  p.poll.pending[0]!.resolve({ tickets: [], at: 'T1' });
  await p.settled('idle');
  p.clock.increment(5_000);
  assert.is(p.state(), 'polling');
});

test.run();
