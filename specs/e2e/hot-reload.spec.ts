/**
 * Hot reload end to end: access.txt is re-read while zoro runs. A session added there starts
 * and takes the tickets routed to it, without a restart; a session removed there finishes
 * its current ticket, then stops.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../adapters/config/load.js';
import { configText, planText, scratch, sessionText, type Scratch } from './helpers.js';

let world: Scratch;
test.before.each(async () => {
  world = await scratch('reload');
});
test.after.each(async () => {
  await world.cleanup();
});

test('a session added to access.txt starts and takes its tickets; a removed one stops after its current ticket', async () => {
  const tasks = [
    { title: 'Alpha work', lines: ['project: alpha', 'sim: write alpha.txt a'] },
    { title: 'Beta work', lines: ['project: beta', 'sim: write beta.txt b', 'signal_cmd: test -f beta.txt'] },
  ];
  await writeFile(world.planFile, planText(tasks));
  const config = configText({
    dataDir: world.dataDir,
    planFile: world.planFile,
    sessions: [{ name: 'first', repo: world.repo, project_ids: 'alpha' }],
    // Re-read access.txt every half second.
    zoro: { poll_interval_seconds: 0.5 },
  });
  const { zoro, events } = await world.start(config, { reload: () => loadConfig(world.configFile) });

  // Only `first` exists: the alpha ticket is done, the beta ticket waits for an owner.
  await events.first((e) => e.type === 'ticket.done' && e.ticket === '1', 30_000, 'ticket 1 done');
  assert.is(zoro.context().tickets['2']!.record.status, 'queued');
  assert.is(events.of('ticket.dispatched', '2').length, 0);

  // Add `second`, owning beta.
  await appendFile(world.configFile, `\n${sessionText({ name: 'second', repo: world.repo, project_ids: 'beta' }).join('\n')}\n`);
  await events.first((e) => e.type === 'session.added' && e.session === 'second', 10_000, 'session second added');
  const betaDone = await events.first((e) => e.type === 'ticket.done' && e.ticket === '2', 30_000, 'ticket 2 done');
  assert.is(betaDone.session, 'second');
  assert.is(zoro.context().tickets['2']!.record.session, 'second');
  assert.is(await readFile(join(world.repo, 'beta.txt'), 'utf8'), 'b\n');
  assert.is(events.of('zoro.started').length, 1, 'no restart');

  // A long alpha ticket for `first`; while it works, `first` is removed from access.txt.
  await writeFile(world.planFile, planText([...tasks, { title: 'Long alpha work', lines: ['project: alpha', 'sim: sleep 2', 'sim: write long.txt done'] }]));
  await events.first((e) => e.type === 'ticket.dispatched' && e.ticket === '3', 10_000, 'ticket 3 dispatched');
  const withoutFirst = (await readFile(world.configFile, 'utf8')).replace(/\[session:first\][^[]*/, '');
  assert.not.match(withoutFirst, 'session:first');
  await writeFile(world.configFile, withoutFirst);

  const retiring = await events.first((e) => e.type === 'session.retiring' && e.session === 'first', 10_000, 'first retiring');
  const removed = await events.first((e) => e.type === 'session.removed' && e.session === 'first', 30_000, 'first removed');
  const longDone = await events.first((e) => e.type === 'ticket.done' && e.ticket === '3', 10_000, 'ticket 3 done');
  const turnEnded = events.of('session.turn_ended', '3')[0]!;
  assert.is(longDone.session, 'first');
  assert.is(turnEnded.session, 'first');
  assert.ok(retiring.seq < turnEnded.seq, 'removed from the config while it worked on ticket 3');
  // It stopped once its turn was over (the write-back needs no session).
  assert.ok(turnEnded.seq < removed.seq, 'it stopped only after finishing ticket 3');
  assert.is(await readFile(join(world.repo, 'long.txt'), 'utf8'), 'done\n');
  assert.equal(Object.keys(zoro.context().sessions), ['second']);
  assert.is(events.of('ticket.dispatched', '3').length, 1);
});

test('a bad edit to access.txt is reported and the running config is kept', async () => {
  await writeFile(world.planFile, planText([{ title: 'Later work', lines: ['sim: write later.txt x'] }]));
  const { zoro, events } = await world.start(
    configText({ dataDir: world.dataDir, planFile: world.planFile, sessions: [{ name: 'only', repo: world.repo }], zoro: { poll_interval_seconds: 0.5 } }),
    { reload: () => loadConfig(world.configFile) },
  );
  await events.first((e) => e.type === 'ticket.done' && e.ticket === '1', 30_000, 'ticket 1 done');
  await appendFile(world.configFile, '\n[session:broken]\nagent = sim\n');
  const error = await events.next((e) => e.type === 'config.error', 10_000, 'config.error');
  assert.match(error.message, 'repo_path');
  assert.match(error.message, 'keeping the previous config');
  assert.equal(Object.keys(zoro.context().sessions), ['only']);
  assert.is(events.of('session.added').length, 1);
});

test.run();
