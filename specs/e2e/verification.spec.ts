/**
 * Verification end to end: signal_cmd decides whether a ticket is done, a failure goes back
 * to the agent with its output, repeated failure escalates, and a failed parent blocks its
 * dependents — startZoro in-process, sim agents in a private tmux server.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exitCode } from '../../bin/serve.js';
import { configText, eventually, planText, scratch, type Scratch } from './helpers.js';

let world: Scratch;
test.before.each(async () => {
  world = await scratch('verify');
});
test.after.each(async () => {
  await world.cleanup();
});

test('a failing signal_cmd goes back to the agent with its output, then escalates after max_signal_attempts', async () => {
  // The check prints a sim directive the command text does not spell out: the sim shows
  // only "[pasted text]" of a prompt, but it acts on every directive line it was given, so
  // `feedback-4711` on its screen means the second prompt quoted the check's output.
  await writeFile(
    world.planFile,
    planText([{ title: 'Add the widget', lines: ['sim: write notes.txt no widget here', "signal_cmd: printf 'sim: echo feedback-%s\\n' 4711; exit 3"] }]),
  );
  const { zoro, events, settled } = await world.start(
    configText({ dataDir: world.dataDir, planFile: world.planFile, sessions: [{ name: 'solo', repo: world.repo }], zoro: { max_signal_attempts: 2 } }),
  );
  const summary = await settled(40_000);

  const ticket = zoro.context().tickets['1']!.record;
  assert.is(ticket.status, 'escalated');
  assert.is(ticket.attempts, 2);
  assert.is(ticket.signal_attempts, 2);
  assert.equal(
    ticket.signal_history.map((h) => h.exit_code),
    [3, 3],
  );
  assert.match(ticket.feedback ?? '', 'sim: echo feedback-4711');
  assert.match(ticket.last_error ?? '', 'signal_cmd failed 2 times');
  assert.is(summary.tickets[0]!.status, 'escalated');

  // The second prompt typed into the agent quoted the failing output.
  const screen = zoro.handle.screen('solo')!;
  const second = screen.findIndex((line) => line.includes('working on: Ticket: 1 (attempt 2)'));
  assert.ok(second > 0, screen.join('\n'));
  assert.not.ok(screen.slice(0, second).includes('feedback-4711'), 'the first prompt had no feedback');
  assert.ok(screen.slice(second).includes('feedback-4711'), screen.join('\n'));
  assert.is(events.of('ticket.dispatched', '1').length, 2);
  assert.is(events.of('ticket.escalated', '1').length, 1);

  // The escalation file, with the signal history, for a human.
  const file = join(world.dataDir, 'escalations', 'task-0001.md');
  const text = await eventually(() => readFile(file, 'utf8').catch(() => null), 5_000, file);
  assert.match(text, 'Add the widget');
  assert.match(text, 'sim: echo feedback-4711');
  assert.match(text, /exit(?: code)?\W+3/);
  assert.is(exitCode(summary), 1);
});

test('sim: fail-times 2 fails two checks and passes on the third attempt', async () => {
  await writeFile(
    world.planFile,
    planText([{ title: 'Flaky but fixable', lines: ['sim: fail-times 2', 'sim: write result.txt fixed', 'signal_cmd: grep -q fixed result.txt'] }]),
  );
  const { zoro, events, settled } = await world.start(configText({ dataDir: world.dataDir, planFile: world.planFile, sessions: [{ name: 'solo', repo: world.repo }] }));
  const summary = await settled(40_000);

  const ticket = zoro.context().tickets['1']!.record;
  assert.is(ticket.status, 'done');
  assert.is(ticket.attempts, 3);
  assert.is(ticket.signal_attempts, 2);
  assert.equal(
    ticket.signal_history.map((h) => h.exit_code === 0),
    [false, false, true],
  );
  assert.is(await readFile(join(world.repo, 'result.txt'), 'utf8'), 'fixed\n');
  assert.equal(
    events.of('ticket.dispatched', '1').map((e) => e.data?.attempt),
    [1, 2, 3],
  );
  assert.is(exitCode(summary), 0);
});

test('an escalated parent blocks its dependents, transitively, and the run still ends (exit code 1)', async () => {
  await writeFile(
    world.planFile,
    planText([
      { title: 'Parent that never passes', lines: ['sim: fail', 'signal_cmd: test -f parent.txt'] },
      { title: 'Child', lines: ['depends_on: [1]', 'sim: write child.txt x'] },
      { title: 'Grandchild', lines: ['depends_on: [2]', 'sim: write grandchild.txt x'] },
      { title: 'Unrelated', lines: ['sim: write unrelated.txt x', 'signal_cmd: test -f unrelated.txt'] },
    ]),
  );
  const { zoro, events, settled } = await world.start(
    configText({
      dataDir: world.dataDir,
      planFile: world.planFile,
      sessions: [
        { name: 'one', repo: world.repo },
        { name: 'two', repo: world.repo },
      ],
      zoro: { max_signal_attempts: 1 },
    }),
  );
  const summary = await settled(40_000);

  const status = Object.fromEntries(summary.tickets.map((t) => [t.id, t.status]));
  assert.equal(status, { '1': 'escalated', '2': 'blocked', '3': 'blocked', '4': 'done' });
  const records = zoro.context().tickets;
  assert.match(records['2']!.record.last_error ?? '', 'depends on 1');
  assert.match(records['3']!.record.last_error ?? '', 'depends on 2');
  // Blocked tickets were never given to an agent.
  assert.is(events.of('ticket.dispatched', '2').length, 0);
  assert.is(events.of('ticket.dispatched', '3').length, 0);
  assert.is(records['2']!.record.attempts, 0);
  assert.is(exitCode(summary), 1);
  // Both sessions are free again: nothing is left holding a ticket.
  assert.ok(summary.sessions.every((s) => s.state === 'IDLE'), JSON.stringify(summary.sessions));
});

test.run();
