/**
 * zoro drives the REAL Claude Code CLI (the pinned devDependency) end to end, offline: zoro
 * in-process with its control socket (as `zoro` runs it), Claude Code in a private tmux
 * server with a private HOME, against the fake Messages API. The fake model answers with a
 * `Write` tool call that Claude Code really carries out; `signal_cmd` checks the file.
 *
 * Each test is one run: a scratch repo and data_dir, one session, one ticket from a plan.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../adapters/config/load.js';
import { prepareClaudeHome } from '../../adapters/agents/claude/index.js';
import { startControlServer } from '../../actors/control.js';
import { projectRoot } from '../../lib/self.js';
import { startFakeAnthropic, type FakeReply } from '../fakes/anthropic.js';
import { gone } from '../adapters/agents/claude/harness.js';
import { configText, killTmuxServer, planText, scratch, within, type RunningZoro, type Scratch } from './helpers.js';

const exec = promisify(execFile);

const CLAUDE = join(projectRoot, 'node_modules/.bin/claude');

/** The repo of the run under way: the fake model writes its files there. */
let repo = '';
const api = await startFakeAnthropic({
  script: (prompt): FakeReply[] => {
    const file = /create (\S+\.txt)/i.exec(prompt)?.[1];
    if (!file) return [{ text: 'Nothing to do here.' }];
    const write: FakeReply = { text: `Creating ${file}.`, toolUse: { name: 'Write', input: { file_path: join(repo, file), content: 'hello\n' } } };
    // A stalled first try: the request is never answered; the re-approach gets a real answer.
    if (prompt.includes('STALL') && !prompt.includes('re-approach')) return [{ stall: true }];
    if (prompt.includes('SIGNAL')) return [write, { text: `Created ${file}.\nREADY FOR NEW TASKS` }];
    // No ready signal in the final words: only the Stop hook can end this turn.
    return [write, { text: `Created ${file}; it says hello.` }];
  },
});

let world: Scratch | null = null;
let stopControl: (() => Promise<void>) | null = null;

test.after.each(async () => {
  await stopControl?.();
  stopControl = null;
  if (world) {
    // Claude Code writes its transcript as it dies: let it finish before the dir goes.
    const pids = await panePids(world.socket);
    await killTmuxServer(world.socket);
    await gone(pids, 10_000);
    await world.cleanup();
  }
  world = null;
});
test.after(() => api.close());

/**
 * One run: a plan with one task, one Claude Code session with `options`, zoro started with
 * its control socket (hooks reach it there). `zoroKeys` go into `[zoro]`.
 */
async function run(
  label: string,
  task: { title: string; signal: string },
  options: Record<string, string> = {},
  zoroKeys: Record<string, string | number> = {},
): Promise<RunningZoro & { world: Scratch; hooks: string[] }> {
  world = await scratch(`claude-${label}`);
  repo = world.repo;
  const home = join(world.dir, 'home');
  await prepareClaudeHome(home, [world.repo]);
  await writeFile(world.planFile, planText([{ title: task.title, lines: [`signal_cmd: ${task.signal}`] }]));
  const session = [
    `claude_command = ${CLAUDE}`,
    `anthropic_base_url = ${api.url}`,
    `claude_home = ${home}`,
    ...Object.entries(options).map(([key, value]) => `${key} = ${value}`),
  ];
  const text = configText({ dataDir: world.dataDir, planFile: world.planFile, sessions: [{ name: 'claude', repo: world.repo, agent: 'claude' }], zoro: zoroKeys });
  const running = await world.start(`${text}${session.join('\n')}\n`);
  const config = await loadConfig(world.configFile);
  const hooks: string[] = [];
  const control = await startControlServer({
    dataDir: world.dataDir,
    handle: running.zoro.handle,
    config: () => config,
    send: (event) => running.zoro.send(event),
    log: (entry) => hooks.push(entry.message),
  });
  stopControl = control.close;
  return { ...running, world, hooks };
}

/**
 * The processes in the panes of a private tmux server and their descendants (none when it is
 * not running): the pane runs zoro's exit-reporting shell, Claude Code is its child.
 */
async function panePids(socket: string): Promise<number[]> {
  const listed = await exec('tmux', ['-L', socket, 'list-panes', '-a', '-F', '#{pane_pid}']).then(
    (out) => out.stdout,
    () => '', // no server: nothing runs there
  );
  const pids = listed.split('\n').filter(Boolean).map(Number);
  const table = (await exec('ps', ['-eo', 'pid=,ppid='])).stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  for (let i = 0; i < pids.length; i++) for (const [pid, ppid] of table) if (ppid === pids[i] && !pids.includes(pid)) pids.push(pid);
  return pids;
}

/** Resolves when `test` holds for the handle's state, checked on every change. */
function until(r: RunningZoro, test: () => boolean, ms: number, what: string): Promise<void> {
  let off = () => {};
  const reached = new Promise<void>((resolve) => {
    const check = () => {
      if (!test()) return;
      off();
      resolve();
    };
    off = r.zoro.handle.subscribe(check);
    check();
  });
  return within(reached, ms, what).finally(() => off());
}

const turnEnded = (r: RunningZoro) => r.events.of('session.turn_ended').map((e) => e.message);

test('a ticket from the plan: Claude Code writes the file, the Stop hook ends the turn, signal_cmd passes, done', async () => {
  const started = Date.now();
  const r = await run('stop-hook', { title: 'Create hello.txt containing hello', signal: 'grep -q hello hello.txt' });
  const summary = await r.settled(40_000);
  console.log(`  Stop hook run: ${Date.now() - started} ms`);
  assert.is(summary.tickets[0]?.status, 'done');
  assert.is(await readFile(join(r.world.repo, 'hello.txt'), 'utf8'), 'hello\n');
  assert.equal(turnEnded(r), ['claude finished its turn on 1 (Stop hook)']);
  assert.ok(r.hooks.includes('claude: Stop hook'), 'the hook came through the control socket');
  assert.ok(api.requests.some((q) => q.isToolResult), 'Claude Code sent the Write tool result back');
});

test('with claude_hooks = false the ready signal on its own line ends the turn', async () => {
  const started = Date.now();
  const r = await run('signal', { title: 'Create signal.txt, then print the SIGNAL', signal: 'test -f signal.txt' }, { claude_hooks: 'false' });
  const summary = await r.settled(40_000);
  console.log(`  ready-signal run: ${Date.now() - started} ms`);
  assert.is(summary.tickets[0]?.status, 'done');
  assert.equal(turnEnded(r), ['claude finished its turn on 1 (ready signal)']);
  assert.is(await readFile(join(r.world.repo, 'signal.txt'), 'utf8'), 'hello\n');
  assert.equal(r.hooks, [], 'no hook reached zoro');
});

test('a stalled API: the liveness timer puts the session in ERROR_LOOP, zoro re-approaches (Esc + a new prompt), done', async () => {
  const started = Date.now();
  const r = await run('stall', { title: 'Create stalled.txt (STALL)', signal: 'test -f stalled.txt' }, {}, { busy_no_comment_minutes: 0.2 });
  await api.waitForRequest((q) => q.prompt.includes('STALL') && !q.isTitle, 20_000);
  await r.events.first((e) => e.type === 'session.state' && e.data?.to === 'ERROR_LOOP', 30_000, 'ERROR_LOOP');
  const reapproach = await r.events.first((e) => e.type === 'session.reapproach', 5_000, 'the re-approach');
  assert.match(reapproach.message, 'busy for');
  const summary = await r.settled(40_000);
  console.log(`  stall → re-approach → done: ${Date.now() - started} ms`);
  assert.is(summary.tickets[0]?.status, 'done');
  assert.is(summary.tickets[0]?.attempts, 1, 'a re-approach is not a new attempt');
  assert.ok(api.requests.some((q) => q.prompt.includes('re-approach') && !q.isTitle), 'the new prompt reached the model');
  assert.ok(r.zoro.handle.screen('claude')!.some((line) => line.startsWith('❯ Ticket: 1 (attempt 1) — re-approach')), 'Claude Code took the new prompt');
  assert.equal(turnEnded(r), ['claude finished its turn on 1 (Stop hook)']);
});

test('a permission prompt (permission_mode = default): BUSY needs_human, an answer of 1 lets Claude Code go on, done', async () => {
  const started = Date.now();
  const r = await run('ask', { title: 'Create asked.txt containing hello', signal: 'test -f asked.txt' }, { permission_mode: 'default' });
  const detail = () => r.zoro.handle.state().sessions.find((s) => s.name === 'claude')?.detail;
  await until(r, () => detail() === 'needs_human', 30_000, 'the session to wait on a human');
  console.log(`  permission prompt seen: ${Date.now() - started} ms`);
  const asked = await r.events.first((e) => e.type === 'session.needs_human', 5_000, 'the needs_human event');
  assert.is(asked.ticket, '1');
  assert.match(asked.message, 'claude waits for a human');
  assert.not.ok(existsSync(join(r.world.repo, 'asked.txt')), 'nothing written before the answer');
  await r.zoro.handle.answer!('claude', '1');
  await until(r, () => detail() !== 'needs_human', 10_000, 'the session to go on after the answer');
  const summary = await r.settled(40_000);
  console.log(`  permission run: ${Date.now() - started} ms`);
  assert.is(summary.tickets[0]?.status, 'done');
  assert.is(await readFile(join(r.world.repo, 'asked.txt'), 'utf8'), 'hello\n');
  assert.is(r.events.of('session.needs_human').length, 1, 'one question, asked once');
});

test.run();
