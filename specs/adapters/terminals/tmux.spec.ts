import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TerminalError } from '../../../lib/errors.js';
import { tmuxAvailable, tmuxVersionSupported } from '../../../adapters/terminals/index.js';
import { createTmuxRuntime, tmux, type TmuxRuntimeEvent } from '../../../adapters/terminals/tmux/index.js';
import { terminalContract } from './contract.js';
import { Watch, echoAgent, exitWithin, rejects } from './watch.js';

// A private tmux server per spec file, killed at the end: never the user's tmux.
const socketName = `zoro-spec-${process.pid}-1`;
const server = { binary: 'tmux', socketName };

async function killServer(): Promise<void> {
  await tmux(server, ['kill-server']).catch((error: unknown) => {
    // "no server running": the last window closed and the server ended by itself.
    if (!(error instanceof Error && /no server running|error connecting/.test(error.message))) throw error;
  });
}

const contract = terminalContract({
  name: 'tmux',
  createRuntime: () => createTmuxRuntime({ socketName }),
  survivesDispose: true,
  cleanup: killServer,
});
contract.run();

const test = suite('tmux runtime');
const dirs: string[] = [];
async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zoro-tmux-'));
  dirs.push(dir);
  return dir;
}

test.after(async () => {
  await killServer();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

test('tmux 3.3a is available here, and versions before 3.2 are refused', async () => {
  assert.ok(await tmuxAvailable());
  assert.not.ok(await tmuxAvailable('/nonexistent/tmux'));
  assert.ok(tmuxVersionSupported('tmux 3.3a'));
  assert.ok(tmuxVersionSupported('tmux next-3.6'));
  assert.not.ok(tmuxVersionSupported('tmux 3.1c'));
  assert.not.ok(tmuxVersionSupported('tmux 2.9'));
});

test('every agent is a window of the one zoro session, named after its session', async () => {
  const runtime = createTmuxRuntime({ socketName });
  const cwd = await workDir();
  const api = await runtime.start({ name: 'api', cwd, command: echoAgent() });
  const web = await runtime.start({ name: 'web app', cwd, command: echoAgent() });
  await Promise.all([new Watch(api).until('[ready]'), new Watch(web).until('[ready]')]);
  const windows = (await tmux(server, ['list-windows', '-t', '=zoro:', '-F', '#{window_name}'])).trim().split('\n');
  assert.ok(windows.includes('api') && windows.includes('web app'), windows.join(','));
  assert.is(runtime.controlClientPids().length, 1, 'one control client serves both');
  await rejects(() => runtime.start({ name: 'api', cwd, command: echoAgent() }), /already runs/);
  await api.close({ kill: true });
  await web.close({ kill: true });
  await runtime.dispose();
});

test('a pane in another tmux session is found by its directory and gets its own control client', async () => {
  const cwd = await workDir();
  // Someone's own session, a shell in the project: zoro attaches, then starts the agent there.
  await tmux(server, ['new-session', '-d', '-s', 'mine', '-c', cwd, '/bin/sh']);
  const runtime = createTmuxRuntime({ socketName });
  const pane = await runtime.attach({ name: 'not-there', cwd });
  assert.ok(pane);
  const watch = new Watch(pane);
  await pane.type(`exec ${echoAgent().join(' ')}`);
  await pane.press('Enter');
  await watch.until('[ready]');
  await pane.type('from zoro');
  await pane.press('Enter');
  await watch.until('[submit:"from zoro"]');
  assert.is(runtime.controlClientPids().length, 1);
  await pane.close();
  assert.is(runtime.controlClientPids().length, 0, 'the last pane of a session lets its client go');
  const still = (await tmux(server, ['list-panes', '-t', '=mine:', '-F', '#{pane_dead}'])).trim();
  assert.is(still, '0', 'close without kill leaves the program running');
  await tmux(server, ['kill-session', '-t', '=mine']);
  await runtime.dispose();
});

test('a pane closed by someone else ends its terminal', async () => {
  const runtime = createTmuxRuntime({ socketName });
  const terminal = await runtime.start({ name: 'doomed', cwd: await workDir(), command: echoAgent() });
  const watch = new Watch(terminal);
  await watch.until('[ready]');
  await tmux(server, ['kill-pane', '-t', terminal.id]);
  const exit = await exitWithin(watch);
  assert.is(exit.code, null);
  assert.match(exit.reason, /closed|lost/);
  await runtime.dispose();
});

test('killing the tmux server ends every terminal, reports it, and commands then fail with TerminalError', async () => {
  const runtime = createTmuxRuntime({ socketName });
  const events: TmuxRuntimeEvent[] = [];
  runtime.onEvent((event) => events.push(event));
  const cwd = await workDir();
  const one = new Watch(await runtime.start({ name: 'one', cwd, command: echoAgent() }));
  const two = new Watch(await runtime.start({ name: 'two', cwd, command: echoAgent() }));
  await Promise.all([one.until('[ready]'), two.until('[ready]')]);
  await killServer();
  const [exitOne, exitTwo] = await Promise.all([exitWithin(one), exitWithin(two)]);
  assert.is(exitOne.code, null);
  assert.is(exitTwo.code, null);
  assert.ok(events.some((event) => event.type === 'client.exited'), JSON.stringify(events));
  const error = await one.terminal.type('anything').then(() => null, (caught: unknown) => caught);
  assert.instance(error, TerminalError);
  await runtime.dispose();
});

test('bad input is refused before it reaches tmux', async () => {
  const runtime = createTmuxRuntime({ socketName });
  const cwd = await workDir();
  await rejects(() => runtime.start({ name: 'bad\nname', cwd, command: echoAgent() }), /window name/);
  await rejects(() => runtime.start({ name: 'x', cwd, command: [] }), /command is empty/);
  await rejects(() => runtime.start({ name: 'x', cwd, command: ['a\0b'] }), /NUL/);
  await rejects(() => runtime.start({ name: 'x', cwd, command: echoAgent(), env: { 'A B': '1' } }), /not a valid name/);
  await rejects(() => runtime.start({ name: 'x', cwd: join(cwd, 'missing'), command: echoAgent() }), /does not exist/);
  assert.throws(() => createTmuxRuntime({ sessionName: 'a:b' }), /session name/);
  await runtime.dispose();
  await rejects(() => runtime.start({ name: 'x', cwd, command: echoAgent() }), /disposed/);
});

test.run();
