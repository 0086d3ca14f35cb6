import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createIterm2Runtime, type Iterm2RuntimeOptions } from '../../../../adapters/terminals/iterm2/runtime.js';
import type { TerminalExit } from '../../../../adapters/terminals/types.js';
import { echoAgentCommand, startFakeIterm2, type FakeIterm2 } from '../../../fakes/iterm2/index.js';
import { countReady, nextEvent, OutputRecorder, scratchDir } from './helpers.js';

function runtimeFor(fake: FakeIterm2, options: Partial<Iterm2RuntimeOptions> = {}) {
  const warnings: string[] = [];
  const runtime = createIterm2Runtime({ socketPath: fake.socketPath, credentials: fake.credentials, onWarning: (m) => warnings.push(m), ...options });
  return { runtime, warnings };
}

test('with two tabs in the repo, zoro takes the most recently active one and says so', async () => {
  const repo = scratchDir();
  const other = scratchDir();
  const fake = await startFakeIterm2({ sessions: [{ cwd: repo.path }, { cwd: repo.path }, { cwd: other.path }] });
  const { runtime, warnings } = runtimeFor(fake);
  try {
    await runtime.ready();
    const [, active] = fake.sessions;
    active!.output('the user just typed here\n');
    const known = await runtime.listSessions();
    assert.ok(known.find((s) => s.id === active!.id)?.lastActivity !== null, 'the screen update was seen');

    const terminal = await runtime.attach({ name: 'api', cwd: repo.path });
    assert.is(terminal?.id, active!.id);
    assert.is(warnings.length, 1);
    assert.match(warnings[0]!, /2 iTerm2 sessions are in/);
    assert.match(warnings[0]!, /most recently active/);
    assert.is(active!.getVariable('user.zoro_session'), 'api', 'zoro tags the tab it drives');
  } finally {
    await runtime.dispose();
    await fake.close();
    repo.remove();
    other.remove();
  }
});

test('the tab zoro drove before wins again after a restart of zoro', async () => {
  const repo = scratchDir();
  const fake = await startFakeIterm2({ sessions: [{ cwd: repo.path }, { cwd: repo.path }] });
  const [first, second] = fake.sessions;
  const before = runtimeFor(fake);
  const after = runtimeFor(fake);
  try {
    await before.runtime.ready();
    second!.output('busy\n');
    await before.runtime.listSessions();
    assert.is((await before.runtime.attach({ name: 'api', cwd: repo.path }))?.id, second!.id);
    await before.runtime.dispose();

    await after.runtime.ready();
    first!.output('the user works in the other tab now\n');
    await after.runtime.listSessions();
    assert.is((await after.runtime.attach({ name: 'api', cwd: repo.path }))?.id, second!.id);
    assert.match(after.warnings[0]!, /zoro drove it before/);
  } finally {
    await after.runtime.dispose();
    await fake.close();
    repo.remove();
  }
});

test('a repo_path written with ~ or through a symlink matches the tab by its real directory', async () => {
  const home = scratchDir('zoro-home-');
  const repo = join(home.path, 'src', 'api');
  mkdirSync(repo, { recursive: true });
  symlinkSync(repo, join(home.path, 'link'));
  const fake = await startFakeIterm2({ sessions: [{ cwd: join(home.path, 'link') }] });
  const { runtime } = runtimeFor(fake, { home: home.path });
  try {
    assert.is((await runtime.attach({ name: 'api', cwd: '~/src/api' }))?.id, fake.sessions[0]!.id);
    assert.is((await runtime.attach({ name: 'api', cwd: '~/link/' }))?.id, fake.sessions[0]!.id);
    assert.is(await runtime.attach({ name: 'web', cwd: '~/src' }), null, 'a parent directory is not a match');
  } finally {
    await runtime.dispose();
    await fake.close();
    home.remove();
  }
});

test('with no tab in the repo: nothing, or (auto_create) a new tab named after the session running the agent', async () => {
  const repo = scratchDir();
  const fake = await startFakeIterm2();
  const log = join(repo.path, 'prompts.jsonl');
  const plain = runtimeFor(fake);
  const creating = runtimeFor(fake, { autoCreate: true, agentCommand: () => echoAgentCommand(log) });
  try {
    assert.is(await plain.runtime.attach({ name: 'api', cwd: repo.path }), null);
    assert.is(fake.sessions.length, 0, 'zoro opens no tab unless auto_create is on');

    const terminal = await creating.runtime.attach({ name: 'api', cwd: repo.path });
    assert.ok(terminal);
    const tab = fake.sessions.find((session) => session.id === terminal.id);
    assert.ok(tab, 'a new tab was opened');
    assert.is(tab.name, 'api');
    assert.is(tab.getVariable('path'), repo.path);
    const output = new OutputRecorder(terminal);
    await tab.waitForText('echo agent ready');
    await terminal.paste('hello from zoro');
    await terminal.press('Enter');
    await output.until((text) => countReady(text) === 1, 'the agent in the new tab to answer');
  } finally {
    await plain.runtime.dispose();
    await creating.runtime.dispose();
    await fake.close();
    repo.remove();
  }
});

test('a closed tab ends the terminal; a tab opened in the repo again is announced and attached', async () => {
  const repo = scratchDir();
  const fake = await startFakeIterm2({ sessions: [{ cwd: repo.path }] });
  const { runtime } = runtimeFor(fake);
  try {
    const terminal = await runtime.attach({ name: 'api', cwd: repo.path });
    assert.ok(terminal);
    const exited = nextEvent<TerminalExit>((l) => terminal.onExit(l), 'the terminal to exit');
    fake.closeTab(terminal.id);
    assert.equal(await exited, { code: null, reason: 'closed' });
    assert.is(terminal.alive(), false);
    assert.is(await runtime.attach({ name: 'api', cwd: repo.path }), null, 'no tab in the repo now');

    const appeared = nextEvent<{ sessionId: string }>((l) => runtime.onSessionAppeared(repo.path, l), 'a new tab in the repo');
    const reopened = fake.openTab(repo.path);
    assert.is((await appeared).sessionId, reopened.id);
    const again = await runtime.attach({ name: 'api', cwd: repo.path });
    assert.is(again?.id, reopened.id);
    assert.ok(again?.alive());
  } finally {
    await runtime.dispose();
    await fake.close();
    repo.remove();
  }
});

test('a tab that cds out of the repo ends the terminal as moved; one that cds into it is announced', async () => {
  const repo = scratchDir();
  const elsewhere = scratchDir();
  const fake = await startFakeIterm2({ sessions: [{ cwd: repo.path }, { cwd: elsewhere.path }] });
  const { runtime } = runtimeFor(fake);
  try {
    const terminal = await runtime.attach({ name: 'api', cwd: repo.path });
    assert.ok(terminal);
    const exited = nextEvent<TerminalExit>((l) => terminal.onExit(l), 'the terminal to exit');
    fake.sessions[0]!.changeDirectory(elsewhere.path);
    assert.is((await exited).reason, 'moved');

    const appeared = nextEvent<{ sessionId: string }>((l) => runtime.onSessionAppeared(repo.path, l), 'a tab to arrive in the repo');
    fake.sessions[1]!.changeDirectory(repo.path);
    assert.is((await appeared).sessionId, fake.sessions[1]!.id);
  } finally {
    await runtime.dispose();
    await fake.close();
    repo.remove();
    elsewhere.remove();
  }
});

test.run();
