/**
 * A stuck or dying agent, end to end: the same error over and over is an error loop, met
 * with re-approaches (interrupt, a new prompt) and then an escalation; an agent that crashes
 * is restarted and its ticket tried again — and never forever.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exitCode } from '../../bin/serve.js';
import { configText, eventually, planText, scratch, type Scratch } from './helpers.js';

let world: Scratch;
test.before.each(async () => {
  world = await scratch('stuck');
});
test.after.each(async () => {
  await world.cleanup();
});

test('a repeated error is an error loop: re-approached max_reapproach times, then escalated with the session UNREACHABLE', async () => {
  await writeFile(world.planFile, planText([{ title: 'Talk to the database', lines: ['sim: error-loop Error: cannot connect to db', 'signal_cmd: true'] }]));
  const { zoro, events, settled } = await world.start(
    configText({
      dataDir: world.dataDir,
      planFile: world.planFile,
      sessions: [{ name: 'solo', repo: world.repo }],
      zoro: { max_reapproach: 1, error_repeat_threshold: 2 },
    }),
  );
  const summary = await settled(60_000);

  const loops = events.of('session.state').filter((e) => e.session === 'solo' && e.data?.to === 'ERROR_LOOP');
  assert.is(loops.length, 2, 'stuck once, re-approached, stuck again');
  for (const loop of loops) assert.match(loop.message, 'cannot connect to db');
  const reapproaches = events.of('session.reapproach', '1');
  assert.is(reapproaches.length, 1);
  assert.match(reapproaches[0]!.message, 're-approach 1 of 1');

  // The agent was interrupted and given a new prompt, in the same turn.
  const screen = zoro.handle.screen('solo')!;
  const interrupted = screen.findIndex((line) => line.includes('^C interrupted'));
  assert.ok(interrupted > 0, screen.join('\n'));
  assert.ok(
    screen.slice(interrupted).some((line) => line.includes('working on: Ticket: 1 (attempt 1) — re-approach')),
    screen.join('\n'),
  );
  assert.is(events.of('ticket.dispatched', '1').length, 1);

  const ticket = zoro.context().tickets['1']!.record;
  assert.is(ticket.status, 'escalated');
  assert.match(ticket.last_error ?? '', 'stuck after 1 re-approaches');
  const gaveUp = await events.first((e) => e.type === 'session.state' && e.session === 'solo' && e.data?.to === 'UNREACHABLE', 10_000, 'solo UNREACHABLE');
  assert.match(gaveUp.message, 'escalated 1');
  assert.is(zoro.context().sessions['solo']!.state, 'UNREACHABLE');
  const file = join(world.dataDir, 'escalations', 'task-0001.md');
  assert.match(await eventually(() => readFile(file, 'utf8').catch(() => null), 5_000, file), 'cannot connect to db');
  assert.is(exitCode(summary), 1);
});

test('an agent that crashes is restarted and its ticket re-queued; one that always crashes is escalated, not retried forever', async () => {
  await writeFile(
    world.planFile,
    planText([
      { title: 'Crash the agent', lines: ['sim: crash'] },
      { title: 'Ordinary work', lines: ['sim: write ok.txt fine', 'signal_cmd: test -f ok.txt'] },
    ]),
  );
  const { zoro, events, settled } = await world.start(
    configText({ dataDir: world.dataDir, planFile: world.planFile, sessions: [{ name: 'solo', repo: world.repo }], zoro: { max_signal_attempts: 2 } }),
  );
  const summary = await settled(60_000);

  const status = Object.fromEntries(summary.tickets.map((t) => [t.id, [t.status, t.attempts]]));
  assert.equal(status, { '1': ['escalated', 2], '2': ['done', 1] });
  // Each crash: the session went UNREACHABLE, the ticket went back to the queue (once), and
  // the agent was started again.
  const unreachable = events.of('session.state').filter((e) => e.session === 'solo' && e.data?.to === 'UNREACHABLE');
  assert.is(unreachable.length, 2);
  for (const e of unreachable) assert.match(e.message, /exit 1/);
  assert.is(events.of('ticket.queued', '1').filter((e) => e.message.includes('re-queued')).length, 1);
  assert.match(zoro.context().tickets['1']!.record.last_error ?? '', 'after 2 attempts');
  assert.is(events.of('ticket.escalated', '1').length, 1);
  await eventually(async () => existsSync(join(world.dataDir, 'escalations', 'task-0001.md')), 5_000, 'the escalation file');
  // A fresh agent did the ordinary work.
  assert.is(await readFile(join(world.repo, 'ok.txt'), 'utf8'), 'fine\n');
  assert.equal(summary.sessions, [{ name: 'solo', state: 'IDLE' }]);
  assert.is(exitCode(summary), 1);
});

test.run();
