/**
 * iTerm2 end to end: zoro with `runtime = iterm2` and `iterm2_socket` pointed at the fake
 * iTerm2 finds the tab already open in the session's repo (a sim agent, as a user would have
 * started it), types a plan ticket into it, sees the ready signal, verifies with the
 * ticket's signal_cmd and ends it done. The fake runs with "Allow all apps to connect", so
 * zoro connects without a cookie (off macOS osascript cannot give it one).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zoroCommand } from '../../lib/self.js';
import { startFakeIterm2, type FakeIterm2 } from '../fakes/iterm2/index.js';
import { planText, scratch, type Scratch } from './helpers.js';

let world: Scratch;
let fake: FakeIterm2;
test.before.each(async () => {
  world = await scratch('iterm2');
  fake = await startFakeIterm2({ sessions: [{ cwd: world.repo, command: [...zoroCommand(), 'sim'] }], allowAllApps: true });
  // The user's tab: the sim is up and waiting at its prompt before zoro starts.
  await fake.sessions[0]!.waitForText('sim>', 15_000);
});
test.after.each(async () => {
  await world.cleanup();
  await fake.close();
});

test('a plan ticket is typed into the iTerm2 tab in the repo, worked by the sim there, verified and done', async () => {
  await writeFile(
    world.planFile,
    planText([{ title: 'Leave a mark from iTerm2', lines: ['sim: write mark.txt from-iterm2', 'signal_cmd: grep -qx from-iterm2 mark.txt'] }]),
  );
  const config = [
    '[zoro]',
    `data_dir = ${world.dataDir}`,
    'runtime = iterm2',
    `iterm2_socket = ${fake.socketPath}`,
    '',
    '[provider:plan]',
    `path = ${world.planFile}`,
    '',
    '[session:tab]',
    `repo_path = ${world.repo}`,
    'agent = sim',
    'provider = plan',
    '',
  ].join('\n');
  const { zoro, events, settled } = await world.start(config);
  const summary = await settled(40_000);

  const ticket = zoro.context().tickets['1']!.record;
  assert.is(ticket.status, 'done', ticket.last_error ?? '');
  assert.is(ticket.session, 'tab');
  assert.is(ticket.attempts, 1);
  assert.equal(
    ticket.signal_history.map((h) => h.exit_code),
    [0],
  );
  assert.equal(
    summary.tickets.map((t) => [t.id, t.status]),
    [['1', 'done']],
  );
  // The sim wrote into the repo: it ran in the tab whose directory is the repo.
  assert.is(await readFile(join(world.repo, 'mark.txt'), 'utf8'), 'from-iterm2\n');

  // zoro used the tab that was there (no new one), over the API: a bracketed paste of the
  // prompt, then Enter.
  assert.is(fake.sessions.length, 1);
  const tab = fake.sessions[0]!;
  const typed = tab.received.join('');
  assert.match(typed, /\x1b\[200~Ticket: 1 \(attempt 1\)\nTitle: Leave a mark from iTerm2\n[\s\S]*\| sim: write mark\.txt from-iterm2[\s\S]*\x1b\[201~/);
  assert.ok(tab.received.includes('\r'), JSON.stringify(tab.received));
  assert.ok(fake.handshakes.every((h) => h.status === 101), JSON.stringify(fake.handshakes));
  assert.equal(
    zoro.handle.state().sessions.map((s) => [s.name, s.runtime, s.state]),
    [['tab', 'iterm2', 'IDLE']],
  );
  assert.is(events.of('ticket.done', '1').length, 1);
});

test.run();
