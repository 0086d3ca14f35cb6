import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import type { SessionReport } from '../../machines/session.js';
import { startSession } from './helpers.js';

const dispatch = { type: 'session.dispatch', ticketId: 'T-1', attempt: 1, prompt: 'Ticket: T-1 (attempt 1)\nDo the thing.' } as const;
const turnEnded = { type: 'session.turn_ended', source: 'ready signal', summary: 'did the thing' } as const;

function states(reports: SessionReport[]): string[] {
  return reports.flatMap((r) => (r.type === 'session.changed' ? [r.detail ? `${r.state}.${r.detail}` : r.state] : []));
}

/** A session that is IDLE and has been handed T-1, with the prompt taken. */
function working(options: Parameters<typeof startSession>[0] = {}) {
  const session = startSession({ ack: true, ...options });
  session.actor.send({ type: 'session.ready' });
  session.actor.send(dispatch);
  return session;
}

test('a session starts UNKNOWN and becomes IDLE when its terminal is ready', () => {
  const { actor, reports } = startSession();
  assert.is(actor.getSnapshot().value, 'UNKNOWN');
  actor.send({ type: 'session.ready' });
  assert.is(actor.getSnapshot().value, 'IDLE');
  assert.equal(states(reports), ['UNKNOWN', 'IDLE']);
});

test('a dispatched ticket is delivered, worked on, settled and released back to IDLE', () => {
  const { actor, commands, reports } = startSession();
  actor.send({ type: 'session.ready' });
  actor.send(dispatch);
  assert.equal(actor.getSnapshot().value, { BUSY: 'delivering' });
  const deliver = commands.find((c) => c.type === 'terminal.deliver');
  assert.equal(deliver, { type: 'terminal.deliver', ticketId: 'T-1', attempt: 1, prompt: dispatch.prompt, interruptFirst: false });

  actor.send({ type: 'terminal.delivered' });
  assert.equal(actor.getSnapshot().value, { BUSY: 'working' });
  assert.equal(commands.at(-1), { type: 'terminal.arm', ticketId: 'T-1' });
  assert.ok(reports.some((r) => r.type === 'session.delivered' && r.ticketId === 'T-1' && r.attempt === 1));

  actor.send(turnEnded);
  assert.equal(actor.getSnapshot().value, { BUSY: 'settling' });
  assert.equal(commands.at(-1), { type: 'terminal.disarm' });

  actor.send({ type: 'session.release' });
  assert.is(actor.getSnapshot().value, 'IDLE');
  assert.is(actor.getSnapshot().context.ticket, null);
  assert.equal(states(reports), ['UNKNOWN', 'IDLE', 'BUSY.delivering', 'BUSY.working', 'BUSY.settling', 'IDLE']);
});

test('the end of a turn is reported once even when the signal is raised twice', () => {
  const { actor, reports } = working();
  actor.send(turnEnded);
  actor.send(turnEnded);
  const ended = reports.filter((r) => r.type === 'session.turn_ended');
  assert.equal(ended, [{ type: 'session.turn_ended', name: 'web', ticketId: 'T-1', source: 'ready signal', summary: 'did the thing' }]);
  assert.equal(actor.getSnapshot().value, { BUSY: 'settling' });
});

test('an IDLE session does not take a turn end or a release', () => {
  const { actor, reports } = startSession();
  actor.send({ type: 'session.ready' });
  actor.send(turnEnded);
  actor.send({ type: 'session.release' });
  assert.is(actor.getSnapshot().value, 'IDLE');
  assert.not.ok(reports.some((r) => r.type === 'session.turn_ended'));
});

test('a pause asked for while BUSY waits for the release, then the session is PAUSED', () => {
  const { actor, reports } = working();
  actor.send({ type: 'session.pause' });
  assert.equal(actor.getSnapshot().value, { BUSY: 'working' });
  actor.send(turnEnded);
  actor.send({ type: 'session.release' });
  assert.equal(actor.getSnapshot().value, { PAUSED: 'held' });
  assert.is(actor.getSnapshot().context.pausing, false);
  assert.equal(states(reports).slice(-2), ['BUSY.settling', 'PAUSED'], 'never reported IDLE: nothing may be dispatched to it');
  actor.send({ type: 'session.resume' });
  assert.is(actor.getSnapshot().value, 'IDLE');
});

test('a session BUSY past its limit goes to ERROR_LOOP and says why', () => {
  const clock = new SimulatedClock();
  const { actor } = working({ clock, busyLimitMs: 30 * 60_000 });
  clock.increment(30 * 60_000 - 1);
  assert.equal(actor.getSnapshot().value, { BUSY: 'working' });
  clock.increment(1);
  assert.is(actor.getSnapshot().value, 'ERROR_LOOP');
  assert.is(actor.getSnapshot().context.reason, 'busy for 30 min without finishing');
});

test('the busy limit does not run while the agent waits for a human', () => {
  const clock = new SimulatedClock();
  const { actor } = working({ clock, busyLimitMs: 60_000 });
  actor.send({ type: 'session.needs_human', message: 'Allow edit? (y/n)' });
  clock.increment(120_000);
  assert.equal(actor.getSnapshot().value, { BUSY: 'needs_human' });
  actor.send({ type: 'session.answered' });
  clock.increment(59_999);
  assert.equal(actor.getSnapshot().value, { BUSY: 'working' });
  clock.increment(1);
  assert.is(actor.getSnapshot().value, 'ERROR_LOOP');
});

test('a re-approach from ERROR_LOOP delivers the new prompt and interrupts the agent first', () => {
  const { actor, commands } = working({ ack: false });
  actor.send({ type: 'terminal.delivered' });
  actor.send({ type: 'session.error_loop', reason: 'the same error keeps appearing' });
  assert.is(actor.getSnapshot().value, 'ERROR_LOOP');
  assert.is(actor.getSnapshot().context.ticket?.id, 'T-1');
  actor.send({ type: 'session.reapproach', prompt: 'Ticket: T-1 — re-approach' });
  assert.equal(actor.getSnapshot().value, { BUSY: 'delivering' });
  assert.equal(commands.at(-1), { type: 'terminal.deliver', ticketId: 'T-1', attempt: 1, prompt: 'Ticket: T-1 — re-approach', interruptFirst: true });
  actor.send({ type: 'terminal.delivered' });
  assert.equal(actor.getSnapshot().value, { BUSY: 'working' });
  assert.is(actor.getSnapshot().context.reason, null);
});

test('giving up on an ERROR_LOOP leaves the session UNREACHABLE with the reason', () => {
  const { actor, reports } = working();
  actor.send({ type: 'session.error_loop', reason: 'stuck' });
  actor.send({ type: 'session.give_up', reason: 'escalated T-1: stuck' });
  assert.is(actor.getSnapshot().value, 'UNREACHABLE');
  assert.is(actor.getSnapshot().context.ticket, null);
  const last = reports.at(-1);
  assert.equal(last, { type: 'session.changed', name: 'web', state: 'UNREACHABLE', detail: null, ticketId: 'T-1', reason: 'escalated T-1: stuck' });
});

test('an UNREACHABLE session reconnects through UNKNOWN and attaches again', () => {
  const { actor, commands } = working();
  actor.send({ type: 'session.unreachable', reason: 'agent exited (exit 1)' });
  assert.is(actor.getSnapshot().value, 'UNREACHABLE');
  actor.send({ type: 'session.reconnected' });
  assert.is(actor.getSnapshot().value, 'UNKNOWN');
  assert.equal(commands.at(-1), { type: 'terminal.attach' });
  actor.send({ type: 'session.ready' });
  assert.is(actor.getSnapshot().value, 'IDLE');
});

test('a usage limit pauses the session until the time it gives, then it resumes by itself', () => {
  const clock = new SimulatedClock();
  const { actor, reports } = working({ clock });
  actor.send({ type: 'session.limited', until: '2024-01-01T05:00:00.000Z', waitMs: 3_600_000, message: 'usage limit reached' });
  const snapshot = actor.getSnapshot();
  assert.equal(snapshot.value, { PAUSED: 'limited' });
  assert.is(snapshot.context.until, '2024-01-01T05:00:00.000Z');
  assert.is(snapshot.context.reason, 'usage limit reached');
  const last = reports.at(-1);
  assert.is(last?.type === 'session.changed' ? last.reason : null, 'usage limit reached');
  clock.increment(3_599_999);
  assert.equal(actor.getSnapshot().value, { PAUSED: 'limited' });
  clock.increment(1);
  assert.is(actor.getSnapshot().value, 'IDLE');
  assert.is(actor.getSnapshot().context.until, null);
  assert.is(actor.getSnapshot().context.waitMs, null);
});

test('a session paused by hand stays PAUSED until resumed', () => {
  const clock = new SimulatedClock();
  const { actor } = startSession({ clock });
  actor.send({ type: 'session.ready' });
  actor.send({ type: 'session.pause' });
  assert.equal(actor.getSnapshot().value, { PAUSED: 'held' });
  clock.increment(24 * 3_600_000);
  assert.equal(actor.getSnapshot().value, { PAUSED: 'held' });
  actor.send({ type: 'session.resume' });
  assert.is(actor.getSnapshot().value, 'IDLE');
});

test('a usage limit that was never waited out does not make a later pause by hand resume by itself', () => {
  const clock = new SimulatedClock();
  const { actor } = working({ clock });
  actor.send({ type: 'session.limited', until: '2024-01-01T05:00:00.000Z', waitMs: 60_000, message: 'usage limit reached' });
  actor.send({ type: 'session.unreachable', reason: 'agent exited' });
  actor.send({ type: 'session.reconnected' });
  actor.send({ type: 'session.ready' });
  actor.send({ type: 'session.pause' });
  clock.increment(60_000);
  assert.equal(actor.getSnapshot().value, { PAUSED: 'held' });
});

test('after a restart a session resumes BUSY on the ticket it had, and listens for its end', () => {
  const { actor, commands, reports } = startSession({ resume: { ticketId: 'T-7', attempt: 2 } });
  actor.send({ type: 'session.resume_busy', ticketId: 'T-7', attempt: 2, finished: false });
  assert.equal(actor.getSnapshot().value, { BUSY: 'working' });
  assert.not.ok(commands.some((c) => c.type === 'terminal.deliver'), 'the prompt is not typed again');
  assert.equal(commands.at(-1), { type: 'terminal.arm', ticketId: 'T-7' });
  actor.send({ type: 'session.turn_ended', source: 'ready signal (seen after restart)', summary: null });
  assert.equal(actor.getSnapshot().value, { BUSY: 'settling' });
  assert.ok(reports.some((r) => r.type === 'session.turn_ended' && r.ticketId === 'T-7'));
});

test('an agent that asks a question is BUSY.needs_human until answered', () => {
  const { actor, reports } = working();
  actor.send({ type: 'session.needs_human', message: 'Allow edit of package.json? (y/n)' });
  assert.equal(actor.getSnapshot().value, { BUSY: 'needs_human' });
  assert.equal(reports.at(-1), {
    type: 'session.changed',
    name: 'web',
    state: 'BUSY',
    detail: 'needs_human',
    ticketId: 'T-1',
    reason: 'Allow edit of package.json? (y/n)',
  });
  actor.send({ type: 'session.answered' });
  assert.equal(actor.getSnapshot().value, { BUSY: 'working' });
  assert.is(actor.getSnapshot().context.reason, null);
});

test('a turn can end while the agent waits for a human', () => {
  const { actor } = working();
  actor.send({ type: 'session.needs_human', message: 'Continue? (y/n)' });
  actor.send(turnEnded);
  assert.equal(actor.getSnapshot().value, { BUSY: 'settling' });
});

test.run();
